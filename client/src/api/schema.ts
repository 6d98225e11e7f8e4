// Generated from src/api/openapi.json by `npm run gen:api` (openapi-typescript). Do not edit.

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with email and password */
        post: operations["post_auth_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session: its access and refresh tokens stop working */
        post: operations["post_auth_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a single-use reset link (same answer for any email) */
        post: operations["post_auth_password-reset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with a reset link; every session ends */
        post: operations["post_auth_password-reset_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Swap the refresh cookie for a new access token */
        post: operations["post_auth_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account and log in; a confirmation link is mailed */
        post: operations["post_auth_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The logged-in user */
        get: operations["get_auth_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm an email address with the mailed link's token */
        post: operations["post_auth_verify-email"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/verify-email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a new confirmation link (same answer for any email) */
        post: operations["post_auth_verify-email_resend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when the database answers */
        get: operations["get_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and platform version */
        get: operations["get_ping"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All users, newest first (admins see every field) */
        get: operations["get_users"];
        put?: never;
        /** Create a user (admin) */
        post: operations["post_users"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete my account (current password); every session ends, a confirmation is mailed */
        delete: operations["delete_users_me"];
        options?: never;
        head?: never;
        /** Change my username or email; a new email waits in `pending_email` until confirmed from the link mailed to it, and the old address gets a notice */
        patch: operations["patch_users_me"];
        trace?: never;
    };
    "/api/v1/users/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change my password; my other sessions end. Wrong current passwords count with failed logins */
        post: operations["post_users_me_password"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where I am signed in: my live sessions */
        get: operations["get_users_me_sessions"];
        put?: never;
        post?: never;
        /** Sign out everywhere else: end every session but this one */
        delete: operations["delete_users_me_sessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End one of my sessions (this one too) */
        delete: operations["delete_users_me_sessions_session_id"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One user (admins see every field) */
        get: operations["get_users_id"];
        put?: never;
        post?: never;
        /** Delete a user (admin); admins cannot delete themselves, and one active admin always remains */
        delete: operations["delete_users_id"];
        options?: never;
        head?: never;
        /** Change a user (admin); admins cannot demote or disable themselves, and one active admin always remains. A new email applies at once, unverified, and a confirmation link is mailed to it; reset links mailed to the old address stop working */
        patch: operations["patch_users_id"];
        trace?: never;
    };
    "/api/v1/users/{id}/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail the user a reset link (admin; the token is never shown) */
        post: operations["post_users_id_password-reset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's live sessions (admin) */
        get: operations["get_users_id_sessions"];
        put?: never;
        post?: never;
        /** End every session of a user (admin; never the caller's own) */
        delete: operations["delete_users_id_sessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AccountDeleteRequest */
        AccountDeleteRequest: {
            /**
             * Password
             * @description Your current password.
             */
            password: string;
        };
        /** AuthEnvelope */
        AuthEnvelope: {
            /**
             * Auth Token
             * @description JWT access token; send as `Authorization: Bearer <token>`.
             */
            auth_token: string;
            data: components["schemas"]["FullUser"];
            /**
             * Expires In
             * @description Seconds until the access token expires.
             */
            expires_in: number;
            /** Message */
            message: string;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** Failure */
        Failure: {
            /**
             * Errors
             * @description Messages per field at fault.
             * @default null
             */
            errors?: {
                [key: string]: string[];
            } | null;
            /** Message */
            message: string;
            /**
             * Reason
             * @description A stable code where a client acts on the refusal: "email_unverified" on login (403).
             * @default null
             */
            reason?: string | null;
            /**
             * Status
             * @description "fail" for client errors, "error" for server errors
             */
            status: string;
        };
        /** FullUser */
        FullUser: {
            /** Active */
            active: boolean;
            /** Admin */
            admin: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string;
            /**
             * Email Verified At
             * @description When the owner confirmed `email`; null until then.
             */
            email_verified_at: string | null;
            /** Id */
            id: number;
            /**
             * Pending Email
             * @description A new address the owner asked for, waiting for its confirmation; `email` stays until then. Null if none.
             */
            pending_email: string | null;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Username */
            username: string;
        };
        /** LoginRequest */
        LoginRequest: {
            /** Email */
            email: string;
            /** Password */
            password: string;
        };
        /** PasswordChangeRequest */
        PasswordChangeRequest: {
            /** Current Password */
            current_password: string;
            /**
             * New Password
             * @description 8 to 128 characters, not easily guessed
             */
            new_password: string;
        };
        /** PasswordResetConfirmRequest */
        PasswordResetConfirmRequest: {
            /**
             * New Password
             * @description 8 to 128 characters, not easily guessed
             */
            new_password: string;
            /**
             * Token
             * @description The token from the mailed link's fragment (`#token=...`).
             */
            token: string;
        };
        /** PasswordResetRequest */
        PasswordResetRequest: {
            /** Email */
            email: string;
        };
        /** Ping */
        Ping: {
            /** Message */
            message: string;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
            /** Version */
            version: string;
        };
        /** ProfileUpdateRequest */
        ProfileUpdateRequest: {
            /**
             * Email
             * Format: email
             */
            email?: string;
            /**
             * Username
             * @description 3 to 32 characters: letters, digits, _ . -; compared case-insensitively; reserved and look-alike names are refused
             */
            username?: string;
        };
        /** PublicUser */
        PublicUser: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Id */
            id: number;
            /** Username */
            username: string;
        };
        /** RegisterRequest */
        RegisterRequest: {
            /**
             * Email
             * Format: email
             */
            email: string;
            /**
             * Password
             * @description 8 to 128 characters, not easily guessed
             */
            password: string;
            /**
             * Username
             * @description 3 to 32 characters: letters, digits, _ . -; compared case-insensitively; reserved and look-alike names are refused
             */
            username: string;
        };
        /**
         * RegisteredUnverifiedEnvelope
         * @description Sign-up while REQUIRE_VERIFIED_EMAIL is on: no token and no cookie until the address is confirmed.
         */
        RegisteredUnverifiedEnvelope: {
            data: components["schemas"]["FullUser"];
            /** Message */
            message: string;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
            /**
             * Verification Required
             * @constant
             */
            verification_required: true;
        };
        /** SessionList */
        SessionList: {
            /** Sessions */
            sessions: components["schemas"]["SessionView"][];
        };
        /** SessionListEnvelope */
        SessionListEnvelope: {
            data: components["schemas"]["SessionList"];
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** SessionView */
        SessionView: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Current
             * @description True for the session that made this request.
             */
            current: boolean;
            /**
             * Device
             * @description Read from the User-Agent at login, e.g. "Firefox 120 on Ubuntu".
             */
            device: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /**
             * Ip
             * @description The client address at login.
             */
            ip: string;
            /**
             * Last Used At
             * Format: date-time
             * @description When its refresh token was last used (or the login).
             */
            last_used_at: string;
        };
        /** Success */
        Success: {
            /** Message */
            message: string;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** UserCreateRequest */
        UserCreateRequest: {
            /**
             * Active
             * @default true
             */
            active?: boolean;
            /**
             * Admin
             * @default false
             */
            admin?: boolean;
            /**
             * Email
             * Format: email
             */
            email: string;
            /**
             * Password
             * @description 8 to 128 characters, not easily guessed
             */
            password: string;
            /**
             * Username
             * @description 3 to 32 characters: letters, digits, _ . -; compared case-insensitively; reserved and look-alike names are refused
             */
            username: string;
        };
        /** UserEnvelope */
        UserEnvelope: {
            /** Data */
            data: components["schemas"]["FullUser"] | components["schemas"]["PublicUser"];
            /**
             * Message
             * @default null
             */
            message?: string | null;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** UserPage */
        UserPage: {
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page; null on the last page.
             */
            next_cursor: string | null;
            /** Users */
            users: (components["schemas"]["FullUser"] | components["schemas"]["PublicUser"])[];
        };
        /** UserPageEnvelope */
        UserPageEnvelope: {
            data: components["schemas"]["UserPage"];
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** UserUpdateRequest */
        UserUpdateRequest: {
            /** Active */
            active?: boolean;
            /** Admin */
            admin?: boolean;
            /**
             * Email
             * Format: email
             */
            email?: string;
            /**
             * Password
             * @description 8 to 128 characters, not easily guessed
             */
            password?: string;
            /**
             * Username
             * @description 3 to 32 characters: letters, digits, _ . -; compared case-insensitively; reserved and look-alike names are refused
             */
            username?: string;
        };
        /** VerifiedEmail */
        VerifiedEmail: {
            /**
             * Email
             * @description The address now confirmed (after a change, the account's new email).
             */
            email: string;
        };
        /** VerifiedEmailEnvelope */
        VerifiedEmailEnvelope: {
            data: components["schemas"]["VerifiedEmail"];
            /** Message */
            message: string;
            /**
             * Status
             * @default success
             * @constant
             */
            status?: "success";
        };
        /** VerifyEmailRequest */
        VerifyEmailRequest: {
            /**
             * Token
             * @description The token from the mailed link's fragment (`#token=...`).
             */
            token: string;
        };
        /** VerifyEmailResendRequest */
        VerifyEmailResendRequest: {
            /**
             * Email
             * @description The address waiting to be confirmed (the account's, or a pending one).
             */
            email: string;
        };
    };
    responses: {
        /** @description Invalid payload, JSON or query; `errors` names the fields at fault. */
        400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Missing, malformed, expired or revoked token (`WWW-Authenticate: Bearer`). */
        401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Authenticated, but not allowed; on /auth/login, the password is right but the email is not confirmed yet (`reason`: `email_unverified`). */
        403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description No such user. */
        404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The username or email is already taken (case-insensitive); on /auth/refresh, another tab refreshed moments ago: retry, the browser already holds the new cookie. */
        409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Request body over 64 KiB. */
        413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Request line too long (refused by nginx or the app server before the API). */
        414: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Request body is not JSON; on /auth/refresh, the request is not sent as `application/json` (nor `Sec-Fetch-Site: same-origin`), as a cross-site form's would be: nothing is touched. */
        415: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Too many requests or failed logins; see `Retry-After`. nginx rate-limits credential guesses, refresh per session, and every /api/ route under a general ceiling. */
        429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description Request headers too many or too large (refused by nginx or the app server before the API). */
        431: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The database is unreachable; try again (see `Retry-After`). */
        503: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    post_auth_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Logged in; sets the refresh cookie. */
            200: {
                headers: {
                    /** @description `__Secure-refresh_token` (Secure) or, over plain HTTP, `refresh_token`; HttpOnly, SameSite=Strict, Path=/api/v1/auth */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthEnvelope"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    post_auth_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            401: components["responses"]["401"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    "post_auth_password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequest"];
            };
        };
        responses: {
            /** @description Accepted; a link is mailed if an active account uses the email. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["400"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    "post_auth_password-reset_confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetConfirmRequest"];
            };
        };
        responses: {
            /** @description Changed; a notice is mailed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["400"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    post_auth_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description New access token; the refresh cookie is rotated. */
            200: {
                headers: {
                    /** @description `__Secure-refresh_token` (Secure) or, over plain HTTP, `refresh_token`; HttpOnly, SameSite=Strict, Path=/api/v1/auth */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthEnvelope"];
                };
            };
            401: components["responses"]["401"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    post_auth_register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description Registered and logged in (sets the refresh cookie); or, when the platform requires a confirmed email, registered only (`verification_required`, no token, no cookie). */
            201: {
                headers: {
                    /** @description `__Secure-refresh_token` (Secure) or, over plain HTTP, `refresh_token`; HttpOnly, SameSite=Strict, Path=/api/v1/auth */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthEnvelope"] | components["schemas"]["RegisteredUnverifiedEnvelope"];
                };
            };
            400: components["responses"]["400"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_auth_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            401: components["responses"]["401"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    "post_auth_verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyEmailRequest"];
            };
        };
        responses: {
            /** @description Confirmed; after a change of address, the new address is now the account's email. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifiedEmailEnvelope"];
                };
            };
            400: components["responses"]["400"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    "post_auth_verify-email_resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyEmailResendRequest"];
            };
        };
        responses: {
            /** @description Accepted; a link is mailed if an active account waits to confirm that address. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["400"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_ping: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pong. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ping"];
                };
            };
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_users: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` from the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPageEnvelope"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    post_users: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserCreateRequest"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    delete_users_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountDeleteRequest"];
            };
        };
        responses: {
            /** @description Deleted; the refresh cookie is cleared. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    patch_users_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileUpdateRequest"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    post_users_me_password: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChangeRequest"];
            };
        };
        responses: {
            /** @description Changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_users_me_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live sessions, most recently used first; `current` marks this one. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionListEnvelope"];
                };
            };
            401: components["responses"]["401"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    delete_users_me_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended; the message says how many. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            401: components["responses"]["401"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    delete_users_me_sessions_session_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A session's id (a UUID) from the session list. Anything else is answered 404. */
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended; its tokens are refused from now on. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["401"];
            404: components["responses"]["404"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_users_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            401: components["responses"]["401"];
            404: components["responses"]["404"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    delete_users_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    patch_users_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserUpdateRequest"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    "post_users_id_password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted; the link is mailed. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    get_users_id_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live sessions, most recently used first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionListEnvelope"];
                };
            };
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            414: components["responses"]["414"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
    delete_users_id_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id. Anything else is answered 404. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended; the message says how many. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Success"];
                };
            };
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            413: components["responses"]["413"];
            414: components["responses"]["414"];
            415: components["responses"]["415"];
            429: components["responses"]["429"];
            431: components["responses"]["431"];
            503: components["responses"]["503"];
        };
    };
}
