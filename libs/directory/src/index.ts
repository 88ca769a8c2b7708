export * from './organisation';
export * from './errors';
export * from './directory';
export type { DirectoryFile } from './directory-data';
