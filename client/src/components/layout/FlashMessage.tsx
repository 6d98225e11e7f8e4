import { useEffect } from "react";
import Alert from "react-bootstrap/Alert";
import { useMessages } from "../../messages/MessageContext";

export const MESSAGE_LIFETIME_MS = 6000;

/** The one site-wide message: dismissible, and gone by itself after a few seconds. */
export function FlashMessage() {
  const { message, dismiss } = useMessages();

  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(dismiss, MESSAGE_LIFETIME_MS);
    return () => clearTimeout(timer);
  }, [message, dismiss]);

  if (!message) return null;
  return (
    <Alert
      key={message.id}
      variant={message.variant}
      dismissible
      onClose={dismiss}
      closeLabel="Dismiss message"
      role={message.variant === "danger" ? "alert" : "status"}
      transition={false}
    >
      {message.text}
    </Alert>
  );
}
