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

  const fetchPage = useCallback(
    async (from: string | null) => {
      const current = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.listUsers({ limit: pageSize, cursor: from });
        if (current !== generation.current) return;
        setUsers((previous) => (from === null ? page.users : [...previous, ...page.users]));
        setCursor(page.nextCursor);
        setHasMore(page.nextCursor !== null);
      } catch (caught) {
        if (current === generation.current) setError(describeError(caught));
      } finally {
        if (current === generation.current) setLoading(false);
      }
    },
    [api, pageSize],
  );

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  return {
    users,
    loading,
    error,
    hasMore,
    loadMore: useCallback(() => void fetchPage(cursor), [fetchPage, cursor]),
    reload: useCallback(() => void fetchPage(null), [fetchPage]),
    replace: useCallback((user: ListedUser) => setUsers((all) => all.map((u) => (u.id === user.id ? user : u))), []),
    remove: useCallback((id: number) => setUsers((all) => all.filter((u) => u.id !== id)), []),
    prepend: useCallback((user: ListedUser) => setUsers((all) => [user, ...all]), []),
  };
}
