import { Injectable } from '@nestjs/common';
import { env } from '@edoc/config';
import { HttpTimestampClient, LocalTimestampAuthority, TimestampProvider } from '@edoc/pki';
import { CredentialsRepository } from '../repositories/credentials.repository';

/**
 * Where signature time-stamps (PAdES B-T) come from: the RFC 3161 URL in EDOC_TSA_URL when one is
 * configured, otherwise the time-stamp authority this service runs with its own certificate.
 */
@Injectable()
export class TimestampService {
  private local: LocalTimestampAuthority | undefined;
  private readonly remote: HttpTimestampClient | undefined;

  constructor(private readonly credentials: CredentialsRepository) {
    const url = env('EDOC_TSA_URL');
    this.remote = url === undefined ? undefined : new HttpTimestampClient(url);
  }

  provider(): TimestampProvider {
    return this.remote ?? this.authority();
  }

  /** Whether time-stamps come from the in-process authority (no EDOC_TSA_URL). */
  isLocal(): boolean {
    return this.remote === undefined;
  }

  /** The in-process authority, also served over HTTP at POST /tsa. */
  authority(): LocalTimestampAuthority {
    this.local ??= new LocalTimestampAuthority(this.credentials.timestampAuthority());
    return this.local;
  }
}
