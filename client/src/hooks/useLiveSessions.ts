import { useCallback, useEffect, useRef, useState } from "react";
import { describeError } from "../api/errors";
import type { LiveSession } from "../api/types";

export interface LiveSessions {
  /** Null until the first list has arrived. */
  sessions: LiveSession[] | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
  remove: (id: string) => void;
}

/** An account's live sessions, from `load` (mine, or a user's for an admin). */
export function useLiveSessions(load: () => Promise<LiveSession[]>): LiveSessions {
  const [sessions, setSessions] = useState<LiveSession[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  // State changes only once the request settles, so the first list can load from an effect.
  const fetchList = useCallback(() => {
    const current = ++generation.current;
    const stillCurrent = () => current === generation.current;
    load()
      .then(
        (list) => {
          if (stillCurrent()) setSessions(list);
        },
        (caught: unknown) => {
          if (stillCurrent()) setError(describeError(caught));
        },
      )
      .finally(() => {
        if (stillCurrent()) setLoading(false);
      });
  }, [load]);

  useEffect(() => {
    fetchList();
    return () => {
      generation.current += 1; // answers for an unmounted list are dropped
    };
  }, [fetchList]);

  return {
    sessions,
    loading,
    error,
    reload: useCallback(() => {
      setLoading(true);
      setError(null);
      fetchList();
    }, [fetchList]),
    remove: useCallback((id: string) => setSessions((all) => all && all.filter((s) => s.id !== id)), []),
  };
}
