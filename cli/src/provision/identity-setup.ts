import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../stack/services';

/** The identity service's own setup program (services/identity/src/setup.ts): only its code writes its schema. */
const SETUP = resolve(PROJECT_ROOT, 'services', 'identity', 'dist', 'setup.js');

export interface FirstAdminRequest {
  username: string;
  orgCode: string;
  displayName?: string;
}

/** Imports the demo users (each with the password edoc-demo-<username>) into the identity service's schema. */
export function importDemoUsers(log: (line: string) => void): Promise<void> {
  return runSetup(['demo'], log, 'ignore');
}

/** The first district administrator; the password comes from EDOC_ADMIN_PASSWORD or this process's stdin. */
export function createFirstAdmin(admin: FirstAdminRequest, log: (line: string) => void): Promise<void> {
  return runSetup(['admin', admin.username, admin.orgCode, ...(admin.displayName === undefined ? [] : [admin.displayName])], log, 'inherit');
}

function runSetup(args: string[], log: (line: string) => void, stdin: 'ignore' | 'inherit'): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', SETUP, ...args], { stdio: [stdin, 'pipe', 'pipe'], env: process.env });
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => chunk.toString('utf8').split('\n').filter((line) => line !== '').forEach(log));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(errors.trim() || `identity setup exited with ${code}`))));
  });
}
