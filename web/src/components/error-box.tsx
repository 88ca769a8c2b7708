import { ApiError } from '../api';
import { t } from '../i18n';
import { localizedReason } from '../reasons';

/** The API's reasons, as it gave them, never a blank page. */
export function ErrorBox({ error }: { error: unknown }) {
  const reasons = error instanceof ApiError ? error.reasons : [error instanceof Error ? error.message : String(error)];
  return (
    <div class="error" role="alert">
      <strong>{t('error')}{error instanceof ApiError && error.status > 0 ? ` (${error.status})` : ''}:</strong>
      <ul>
        {reasons.map((reason) => {
          const said = localizedReason(reason);
          return (
            <li>
              {said}
              {said !== reason && (
                <small class="original" lang="en">
                  {' '}
                  ({reason})
                </small>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
