import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * What `load` gives for `key` (a unit, a book and year…), and nothing while it loads: an answer
 * for an earlier key that arrives late (a slow server, a quick change of filter) is dropped, never
 * shown under the new one.
 */
export function useLoaded<T>(key: string, load: () => Promise<T>): { value: T | undefined; error: unknown; reload: () => Promise<void> } {
  const [state, setState] = useState<{ key: string; value?: T; error?: unknown }>({ key: '' });
  const latest = useRef(key);
  latest.current = key;
  const reload = async () => {
    const asked = key;
    try {
      const value = await load();
      if (latest.current === asked) setState({ key: asked, value });
    } catch (error) {
      if (latest.current === asked) setState({ key: asked, error });
    }
  };
  useEffect(() => {
    void reload();
  }, [key]);
  return state.key === key ? { value: state.value, error: state.error, reload } : { value: undefined, error: undefined, reload };
}
