/** The directory data is unusable; the message names the entry and the problem. */
export class DirectoryDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid directory data: ${problems.join('; ')}`);
    this.name = 'DirectoryDataError';
  }
}

export class UnknownOrganisationError extends Error {
  constructor(readonly code: string) {
    super(`unknown organisation "${code}"`);
    this.name = 'UnknownOrganisationError';
  }
}
