import { RabbitManagementClient } from '../management/rabbit-management-client';
import { planTopology, type Topology } from './topology';

/**
 * Removes the bindings of the topology's queues that the topology no longer has (an older release
 * bound routing.status to every key of the status exchange, say): declaring adds bindings but never
 * takes one away, and a binding left over would route messages nobody expects to a queue. Bindings
 * from exchanges the topology does not know are someone else's and are left alone. Returns what it removed.
 */
export async function removeStaleBindings(managementUrl: string, vhost: string, topology: Topology): Promise<string[]> {
  const plan = planTopology(topology);
  const ours = new Set(plan.exchanges.map((exchange) => exchange.name));
  const api = new RabbitManagementClient(managementUrl);
  const removed: string[] = [];
  for (const queue of plan.queues) {
    const wanted = new Set(queue.bindings.map((binding) => `${binding.exchange}\u0000${binding.routingKey}`));
    for (const binding of await api.listQueueBindings(vhost, queue.name)) {
      if (binding.destination_type !== 'queue' || !ours.has(binding.source)) continue;
      if (wanted.has(`${binding.source}\u0000${binding.routing_key}`)) continue;
      await api.deleteQueueBinding(vhost, binding);
      removed.push(`${binding.source} -> ${queue.name} (${binding.routing_key})`);
    }
  }
  return removed;
}
