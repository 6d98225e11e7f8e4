import { lazy } from "react";
import { Route, Routes } from "react-router";
import { ApiContext } from "./api/ApiContext";
import type { Api } from "./api/client";
import { AuthProvider } from "./auth/AuthProvider";
import { Layout } from "./components/layout/Layout";
import { RequireAdmin } from "./components/access/RequireAdmin";
import { RequireAuth } from "./components/access/RequireAuth";
import { MessageProvider } from "./messages/MessageProvider";
import { HomePage } from "./pages/HomePage";

// Only the home page ships in the first bundle; every other page loads when first visited.
const AboutPage = lazy(() => import("./pages/AboutPage").then((m) => ({ default: m.AboutPage })));
const ForgotPasswordPage = lazy(() =>
  import("./pages/ForgotPasswordPage").then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import("./pages/ResetPasswordPage").then((m) => ({ default: m.ResetPasswordPage })),
);
const VerifyEmailPage = lazy(() => import("./pages/VerifyEmailPage").then((m) => ({ default: m.VerifyEmailPage })));
const AdminPage = lazy(() => import("./pages/AdminPage").then((m) => ({ default: m.AdminPage })));
const LoginPage = lazy(() => import("./pages/LoginPage").then((m) => ({ default: m.LoginPage })));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage").then((m) => ({ default: m.NotFoundPage })));
const RegisterPage = lazy(() => import("./pages/RegisterPage").then((m) => ({ default: m.RegisterPage })));
const StatusPage = lazy(() => import("./pages/StatusPage").then((m) => ({ default: m.StatusPage })));

/** Every route of the site and what it needs. The router itself is supplied by the caller. */
export function App({ api }: { api: Api }) {
  return (
    <ApiContext.Provider value={api}>
      <MessageProvider>
        <AuthProvider>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<HomePage />} />
              <Route path="about" element={<AboutPage />} />
              <Route path="register" element={<RegisterPage />} />
              <Route path="login" element={<LoginPage />} />
              <Route path="forgot-password" element={<ForgotPasswordPage />} />
              <Route path="reset-password" element={<ResetPasswordPage />} />
              <Route path="verify-email" element={<VerifyEmailPage />} />
              <Route
                path="status"
                element={
                  <RequireAuth>
                    <StatusPage />
                  </RequireAuth>
                }
              />
              <Route
                path="admin"
                element={
                  <RequireAdmin>
                    <AdminPage />
                  </RequireAdmin>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </AuthProvider>
      </MessageProvider>
    </ApiContext.Provider>
  );
}
