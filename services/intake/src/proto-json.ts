// Protobuf messages stored as JSON columns: the proto JSON mapping keeps them readable in SQL.
export { fromJson, toJson } from '@bufbuild/protobuf';
export type { JsonValue } from '@bufbuild/protobuf';
export { DocumentMetadataSchema, FileRefSchema } from '@edoc/contracts';
export type { DocumentMetadata, FileRef } from '@edoc/contracts';
