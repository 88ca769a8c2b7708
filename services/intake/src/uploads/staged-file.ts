/** An uploaded file written to the staging folder, hashed on the way: nothing of it is in memory. */
export interface StagedFile {
  fieldname: string;
  originalname: string;
  path: string;
  sha256: string;
  size: number;
}
