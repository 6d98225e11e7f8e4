import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { MessageContext, type Message, type MessageVariant } from "./MessageContext";

export function MessageProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const nextId = useRef(1);

  const show = useCallback((variant: MessageVariant, text: string) => {
    setMessage({ id: nextId.current++, variant, text });
  }, []);
  const dismiss = useCallback(() => setMessage(null), []);

  const value = useMemo(() => ({ message, show, dismiss }), [message, show, dismiss]);
  return <MessageContext.Provider value={value}>{children}</MessageContext.Provider>;
}
