import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../api/ApiContext";
import { describeError } from "../api/errors";
import type { ListedUser } from "../api/types";

export interface UserPages {
  users: ListedUser[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
  /** Starts over from the newest user. */
  reload: () => void;
  replace: (user: ListedUser) => void;
  remove: (id: number) => void;
  prepend: (user: ListedUser) => void;
}

/** Users newest first, a page at a time, following the API's cursor. */
export function useUserPages(pageSize: number): UserPages {
  const api = useApi();
  const [users, setUsers] = useState<ListedUser[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  // Every state change here happens once the request settles, so the first page can load from an effect.
  const load = useCallback(
    (from: string | null) => {
      const current = ++generation.current;
      const stillCurrent = () => current === generation.current;
      return api
        .listUsers({ limit: pageSize, cursor: from })
        .then(
          (page) => {
            if (!stillCurrent()) return;
            setUsers((previous) => (from === null ? page.users : [...previous, ...page.users]));
            setCursor(page.nextCursor);
            setHasMore(page.nextCursor !== null);
          },
          (caught: unknown) => {
            if (stillCurrent()) setError(describeError(caught));
          },
        )
        .finally(() => {
          if (stillCurrent()) setLoading(false);
        });
    },
    [api, pageSize],
  );

  const fetchPage = useCallback(
    (from: string | null) => {
      setLoading(true);
      setError(null);
      void load(from);
    },
    [load],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    users,
    loading,
    error,
    hasMore,
    loadMore: useCallback(() => fetchPage(cursor), [fetchPage, cursor]),
    reload: useCallback(() => fetchPage(null), [fetchPage]),
    replace: useCallback((user: ListedUser) => setUsers((all) => all.map((u) => (u.id === user.id ? user : u))), []),
    remove: useCallback((id: number) => setUsers((all) => all.filter((u) => u.id !== id)), []),
    prepend: useCallback((user: ListedUser) => setUsers((all) => [user, ...all]), []),
  };
}
