import { createContext, useContext } from "react";

export type MessageVariant = "success" | "danger" | "info";

export interface Message {
  id: number;
  variant: MessageVariant;
  text: string;
}

export interface MessageControls {
  message: Message | null;
  /** Shows a message, replacing any message already on screen. */
  show: (variant: MessageVariant, text: string) => void;
  dismiss: () => void;
}

export const MessageContext = createContext<MessageControls | null>(null);

export function useMessages(): MessageControls {
  const controls = useContext(MessageContext);
  if (!controls) throw new Error("useMessages must be used inside <MessageProvider>");
  return controls;
}
