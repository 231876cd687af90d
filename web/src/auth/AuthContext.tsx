// Who is signed in. The session itself is the HttpOnly cookie; nothing secret is kept in
// storage. On start the shell asks /me: a 401 means "show the sign-in page". Any 401 later
// (session ended, expired, or the user deactivated) returns there too, saying why.

import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import { ApiError, api, onUnauthenticated, setCsrfToken } from "../api/client";
import type { LoginResult, Me } from "../api/types";

export type SignOutReason = "signed_out" | "session_ended";

export interface AuthState {
  /** null while the first /me is on its way. */
  status: "loading" | "signed_out" | "signed_in";
  me: Me | null;
  /** Why the user is on the sign-in page (shown there), if it was not their first visit. */
  reason: SignOutReason | null;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  /** Read /me again (roles and permissions may have changed); the answer. */
  refresh(): Promise<Me>;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth() outside <AuthProvider>");
  return state;
}

/** The signed-in user; only inside the signed-in part of the app. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error("useMe() while signed out");
  return me;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthState["status"]>("loading");
  const [me, setMe] = useState<Me | null>(null);
  const [reason, setReason] = useState<SignOutReason | null>(null);

  const signedOut = useCallback((why: SignOutReason | null) => {
    setCsrfToken(null);
    setMe(null);
    setReason(why);
    setStatus("signed_out");
  }, []);

  useEffect(() => {
    onUnauthenticated(() => signedOut("session_ended"));
    let live = true;
    api.get<Me>("/me", undefined, { session: false }).then(
      (answer) => {
        if (!live) return;
        setMe(answer);
        setStatus("signed_in");
      },
      () => live && signedOut(null),
    );
    return () => {
      live = false;
      onUnauthenticated(null);
    };
  }, [signedOut]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.post<LoginResult>("/auth/login", { username, password },
                                               { session: false });
    setCsrfToken(answer.csrf_token);
    setMe(answer.user);
    setReason(null);
    setStatus("signed_in");
    return answer.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post("/auth/logout");
    } catch (e) {
      // Already ended (401) is what we wanted; anything else: still forget it here.
      if (!(e instanceof ApiError)) console.error(e);
    }
    signedOut("signed_out");
  }, [signedOut]);

  const refresh = useCallback(async () => {
    const answer = await api.get<Me>("/me");
    // A new object only when something changed: screens that depend on `me` keep theirs.
    setMe((held) => (held && JSON.stringify(held) === JSON.stringify(answer) ? held : answer));
    return answer;
  }, []);

  const state = useMemo<AuthState>(() => ({ status, me, reason, login, logout, refresh }),
                                   [status, me, reason, login, logout, refresh]);
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}
