"""Signing in to a server-mode dashboard: the browser-session side of ``servicemirror.privacy.access``.

``access.current_principal()`` decides who is looking; this module tells it what the session says
(single sign-on through ``st.user``, or a user-file name stored in session state after an argon2
check) and draws the sign-in when nobody is signed in. Local mode never shows any of this.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from servicemirror.dashboard import i18n
from servicemirror.privacy import access, users


def _user_info() -> Mapping:
    """What ``st.user`` holds for the browser's session, read once.

    Every ``st.user`` lookup re-reads secrets.toml (to add ``is_logged_in: False`` when single
    sign-on is configured) and the access checks ask several times per page run: a third of the
    Overview's server time with thirty sessions. The session's own user info is the same dict
    without that one default, which means "not signed in" here as well.
    """
    ctx = get_script_run_ctx()
    return ctx.user_info if ctx is not None else st.user.to_dict()


def session_identity() -> access.SessionIdentity:
    """What this browser session says about its user (no role yet)."""
    user = _user_info()
    if user.get("is_logged_in"):
        identity = user.get("email") or user.get("preferred_username") or ""
        # an identity provider that sends neither claim cannot be matched to a role: ""
        return access.SessionIdentity(sso_identity=str(identity))
    return access.SessionIdentity(form_user=st.session_state.get(access.SESSION_KEY))


access.read_sessions_with(session_identity)


def oidc_configured() -> bool:
    """Whether the host configured single sign-on (an ``[auth]`` section in secrets.toml)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def gate(lang: str) -> access.Principal:
    """The signed-in principal; otherwise draw the sign-in and stop the page (server mode).

    Local mode returns the local admin at once. In server mode the page shows the single sign-on
    button when the host configured it, and the name/password form when a user file exists.
    """
    principal = access.current_principal()
    if principal is not None:
        return principal
    t = i18n.t
    st.title(t("sign_in_title", lang))
    if st.user.get("is_logged_in"):
        # signed in at the identity provider, but nobody gave this identity a role here
        st.error(t("sign_in_no_role", lang, who=str(st.user.get("email") or "")))
        st.button(t("sign_out", lang), on_click=sign_out)
        st.stop()
    has_sso = oidc_configured()
    if has_sso:
        st.button(t("sign_in_sso", lang), on_click=st.login, type="primary")
    if users.users_path().exists():
        with st.form("sign_in"):
            name = st.text_input(t("username", lang), key="sign_in_name")
            password = st.text_input(t("password", lang), type="password", key="sign_in_password")
            submitted = st.form_submit_button(t("sign_in_button", lang))
        if submitted:
            user, paused = access.check_password(name, password)
            if user is not None:
                st.session_state[access.SESSION_KEY] = user.username
                st.rerun()
            st.error(t("sign_in_paused" if paused else "sign_in_failed", lang))
    elif not has_sso:
        st.error(t("sign_in_not_set_up", lang))
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the script run")


def sign_out() -> None:
    """End the session: forget the user-file sign-in, and sign out of single sign-on."""
    st.session_state.pop(access.SESSION_KEY, None)
    if st.user.get("is_logged_in"):
        st.logout()


def describe(principal: access.Principal, lang: str, library_name: str | None) -> str:
    """The sidebar line: local mode, or who is signed in with which role."""
    if principal.local:
        return i18n.t("local_mode", lang)
    if principal.is_manager:
        role = i18n.t("role_manager", lang, library=library_name or principal.library_key)
    else:
        role = i18n.t(f"role_{principal.role}", lang)
    return i18n.t("server_mode", lang, name=principal.name, role=role)
