import { Suspense } from "react";
import Container from "react-bootstrap/Container";
import { Outlet } from "react-router";
import { EmailConfirmationBanner } from "../verification/EmailConfirmationBanner";
import { FlashMessage } from "./FlashMessage";
import { LoadingIndicator } from "../ui/LoadingIndicator";
import { NavBar } from "./NavBar";

export function Layout() {
  return (
    <>
      <a className="visually-hidden-focusable" href="#main">
        Skip to content
      </a>
      <NavBar />
      <Container as="main" id="main" tabIndex={-1} className="pb-5">
        <FlashMessage />
        <EmailConfirmationBanner />
        <Suspense fallback={<LoadingIndicator label="Loading page…" />}>
          <Outlet />
        </Suspense>
      </Container>
    </>
  );
}
