import type { SignerInfo } from './user-seed';

/** A user as the identity service shows it to administrators (its HTTP answers): never the password hash. */
export interface UserView {
  userId: string;
  username: string;
  displayName: string;
  orgCode: string;
  roles: string[];
  signer?: SignerInfo;
  disabled: boolean;
  hasPassword: boolean;
}
