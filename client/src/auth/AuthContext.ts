import { createContext, useContext } from "react";
import type { AuthSession, LoginRequest, RegisterRequest, Registration, User } from "../api/types";

export interface AuthControls {
  /** False until the first refresh on load has answered. */
  ready: boolean;
  user: User | null;
  login: (credentials: LoginRequest) => Promise<AuthSession>;
  register: (details: RegisterRequest) => Promise<Registration>;
  logout: () => Promise<string>;
  /** Keeps the signed-in user in step after they edit their own account. */
  setUser: (user: User) => void;
}

export const AuthContext = createContext<AuthControls | null>(null);

export function useAuth(): AuthControls {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth must be used inside <AuthProvider>");
  return auth;
}
