import { readFileSync } from 'node:fs';
import { MessageTypes, type MessageTypeName, StatusReportedSchema, StatusReportSchema, DocumentIssuedSchema, SessionsRevokedSchema, create } from '@edoc/contracts';
import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { checkPublisher, planTopology } from '@edoc/messaging';
import {
  consumedQueues,
  EDOC_SERVICES,
  edocTopology,
  MESSAGE_CONTRACT,
  operatorBrokerRights,
  ownersOf,
  queueSpecs,
  serviceBrokerRights,
  transportContract,
  typesPublishedBy,
} from '@edoc/runtime';

const directory = Directory.fromFile(loadConfig().directoryFile);
const wards = directory.list().filter((org) => org.channel === 'queue').map((org) => org.code);
const builtin = directory.list().filter((org) => org.channel !== 'queue').map((org) => org.code);
const topology = edocTopology(directory);
const bindingsOf = (queue: string) => topology.queues.find((q) => q.name === queue)?.bindings.map((b) => `${b.exchange} ${b.routingKey}`).sort();

describe('the message contract', () => {
  it('gives every message type an owner and a queue that takes it (a ward system\'s own queue for what goes to wards)', () => {
    const toWardQueues: MessageTypeName[] = ['delivery', 'reportRefused'];
    for (const type of Object.keys(MessageTypes) as MessageTypeName[]) {
      expect(ownersOf(type).length).toBeGreaterThan(0);
      expect(queueSpecs().some(([, spec]) => spec.accepts.includes(type)) || toWardQueues.includes(type)).toBe(true);
    }
  });

  it('binds each queue for exactly the types it takes: no wildcard, the status exchange only under ward codes', () => {
    expect(topology.queues.flatMap((q) => q.bindings).filter((b) => /[#*]/.test(b.routingKey))).toEqual([]);
    expect(bindingsOf('routing.status')).toEqual(['edoc.events status.reported', 'edoc.events statuses.reported', ...wards.map((code) => `edoc.status ${code}`)].sort());
    expect(bindingsOf('routing.events')).toEqual(['edoc.events document.imported', 'edoc.events document.issued']);
    expect(bindingsOf('routing.events.urgent')).toEqual(['edoc.events document.imported.urgent', 'edoc.events document.issued.urgent']);
    expect(bindingsOf('intake.inbox')).toEqual(['edoc.events deliveries.builtin', ...builtin.map((code) => `edoc.inbox ${code}`)].sort());
    expect(bindingsOf('intake.inbox.urgent')).toEqual(['edoc.events deliveries.builtin.urgent', ...builtin.map((code) => `edoc.inbox ${code}.urgent`)].sort());
    expect(bindingsOf(`inbox.${wards[0]}`)).toEqual([`edoc.inbox ${wards[0]}`]);
    expect(bindingsOf('archival.events')).toContain('edoc.events message.rejected');
    // And it is a topology provisioning can declare.
    expect(() => planTopology(topology)).not.toThrow();
  });

  it('binds an outside organ of the directory to the axis gateway\'s queue, not to the built-in inbox', () => {
    const data = JSON.parse(readFileSync(loadConfig().directoryFile, 'utf8')) as { organisations: object[] };
    data.organisations.push({ code: '000.00.00.H26', name: 'Ủy ban nhân dân thành phố Hà Nội', abbreviation: 'UBND', kind: 'peoples-committee', parent: null, channel: 'axis', placeName: 'Hà Nội' });
    const withCity = edocTopology(Directory.fromData(data));
    const bindings = (queue: string) => withCity.queues.find((q) => q.name === queue)?.bindings.map((b) => `${b.exchange} ${b.routingKey}`).sort();
    expect(bindings('gateway.outbound')).toEqual(['edoc.inbox 000.00.00.H26']);
    expect(bindings('gateway.outbound.urgent')).toEqual(['edoc.inbox 000.00.00.H26.urgent']);
    expect(bindings('intake.inbox')).not.toContain('edoc.inbox 000.00.00.H26');
    expect(bindings('intake.axis')).toEqual(['edoc.events edxml.package_received', 'edoc.events edxml.status_received']);
    expect(bindings('gateway.statuses')).toEqual(['edoc.events edxml.status_outgoing']);
    // What the gateway brings from the axis counts only from the gateway; what it sends, only from intake.
    const intake = transportContract('intake', 'district');
    expect(checkPublisher(intake, 'intake.axis', MessageTypes.edxmlPackageReceived.schema.typeName, 'edoc-gateway@district')).toEqual({ ok: true });
    expect(checkPublisher(intake, 'intake.axis', MessageTypes.edxmlPackageReceived.schema.typeName, 'edoc-routing@district').ok).toBe(false);
    expect(checkPublisher(transportContract('gateway', 'district'), 'gateway.statuses', MessageTypes.edxmlStatusOutgoing.schema.typeName, 'edoc-gateway@district').ok).toBe(false);
  });

  it('lets each service read only its own queues and their dead letters, write only the exchanges and keys of the types it owns, configure nothing', () => {
    for (const service of EDOC_SERVICES) {
      const rights = serviceBrokerRights(service);
      expect(rights.permissions.configure).toBe('^$');
      expect(rights.tags).toEqual([]);
      const read = new RegExp(rights.permissions.read);
      for (const queue of topology.queues.map((q) => q.name)) expect([queue, read.test(queue)]).toEqual([queue, consumedQueues(service).includes(queue)]);
      // Its own dead letters too (an administrator's replay is processed by the service), no one else's.
      for (const other of EDOC_SERVICES) {
        for (const queue of consumedQueues(other)) expect([service, `dlq.${queue}`, read.test(`dlq.${queue}`)]).toEqual([service, `dlq.${queue}`, other === service]);
      }
      expect(read.test('dlq.inbox.000.31.13.H26')).toBe(false);
      const keys = new RegExp(rights.topic[0]!.write);
      for (const type of Object.keys(MessageTypes) as MessageTypeName[]) {
        const key = MessageTypes[type].routingKey;
        if (key === '') continue;
        const owned = typesPublishedBy(service).includes(type);
        expect([service, key, keys.test(key), keys.test(`${key}.urgent`)]).toEqual([service, key, owned, owned]);
      }
      const write = new RegExp(rights.permissions.write);
      expect(write.test('edoc.status')).toBe(false);
      expect(write.test('amq.default')).toBe(false);
      expect(write.test('edoc.dlx')).toBe(true);
      expect(write.test('edoc.inbox')).toBe(service === 'routing');
    }
  });

  it('gives the operator the dead-letter queues and the right to replay in the publisher\u2019s name, and nothing else', () => {
    const rights = operatorBrokerRights();
    expect(rights.tags).toEqual(['impersonator']);
    expect(rights.permissions.configure).toBe('^$');
    const read = new RegExp(rights.permissions.read);
    expect(read.test('dlq.routing.status')).toBe(true);
    expect(read.test('routing.status')).toBe(false);
    expect(read.test(`inbox.${wards[0]}`)).toBe(false);
  });

  it('tells each transport who may publish what on its queues, in its vhost', () => {
    const contract = transportContract('routing', 'district');
    expect(Object.keys(contract).sort()).toEqual(['routing.events', 'routing.events.urgent', 'routing.revocations', 'routing.status']);
    const status = create(StatusReportSchema, { fromCode: wards[0] });
    expect(checkPublisher(contract, 'routing.status', StatusReportedSchema.typeName, 'edoc-intake@district')).toEqual({ ok: true });
    expect(checkPublisher(contract, 'routing.status', StatusReportedSchema.typeName, `ward-${wards[0]}@district`).ok).toBe(false);
    expect(checkPublisher(contract, 'routing.status', StatusReportSchema.typeName, `ward-${wards[0]}@district`, status)).toEqual({ ok: true });
    expect(checkPublisher(contract, 'routing.status', StatusReportSchema.typeName, `ward-${wards[1]}@district`, status).ok).toBe(false);
    expect(checkPublisher(contract, 'routing.status', StatusReportSchema.typeName, 'edoc-intake@district', status).ok).toBe(false);
    expect(checkPublisher(contract, 'routing.events', DocumentIssuedSchema.typeName, 'edoc-signing@district')).toEqual({ ok: true });
    expect(checkPublisher(contract, 'routing.events', DocumentIssuedSchema.typeName, 'edoc-signing')).toMatchObject({ ok: false, reason: expect.stringMatching(/published by edoc-signing, expected edoc-signing@district$/) });
    expect(checkPublisher(contract, 'routing.status', DocumentIssuedSchema.typeName, 'edoc-signing@district')).toMatchObject({ ok: false, kind: 'type_not_accepted' });
    // A revocation counts only from the identity service: anyone else could sign users out everywhere.
    expect(checkPublisher(contract, 'routing.revocations', SessionsRevokedSchema.typeName, 'edoc-identity@district')).toEqual({ ok: true });
    expect(checkPublisher(contract, 'routing.revocations', SessionsRevokedSchema.typeName, 'edoc-intake@district').ok).toBe(false);
  });

  it('names a queue of each service but identity (which only publishes), and every queue has its consumer', () => {
    for (const service of EDOC_SERVICES.filter((s) => s !== 'identity')) expect(consumedQueues(service).length).toBeGreaterThan(0);
    expect(consumedQueues('identity')).toEqual([]);
    expect(Object.keys(MESSAGE_CONTRACT.queues).sort()).toEqual(EDOC_SERVICES.flatMap((service) => consumedQueues(service)).filter((q) => !q.endsWith('.urgent')).sort());
  });
});
