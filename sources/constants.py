"""Which settings of each kind of source are secrets, and how the sources page names them."""

# Secrets live in Source.credentials (encrypted); everything else stays in Source.config. A key listed here
# is refused in config, so a secret cannot end up stored in plain text by mistake.
SECRET_SETTINGS: dict[str, tuple[str, ...]] = {
    "x": ("bearer_token", "consumer_key", "consumer_secret", "access_token", "access_token_secret"),
    "reddit": ("client_secret", "password"),
    "brave_search": ("api_key",),
    "google_reviews": ("client_secret", "refresh_token"),
    "bluesky": ("app_password",),
    "facebook_page": ("page_access_token", "app_secret"),
    "instagram": ("access_token", "app_secret", "webhook_verify_token"),
    "youtube": ("client_secret", "refresh_token"),
    "linkedin": ("access_token",),
}
ALL_SECRET_SETTINGS = frozenset(key for keys in SECRET_SETTINGS.values() for key in keys)

SECRET_LABELS = {
    "bearer_token": "Bearer token",
    "consumer_key": "API key (consumer key), for replies",
    "consumer_secret": "API key secret (consumer secret), for replies",
    "access_token": "Access token, for replies",
    "access_token_secret": "Access token secret, for replies",
    "client_secret": "Client secret",
    "password": "Account password (optional: replies)",
    "api_key": "API key",
    "refresh_token": "Refresh token",
    "app_password": "App password",
    "page_access_token": "Page access token",
    "app_secret": "App secret (optional: appsecret_proof)",
    "webhook_verify_token": "Webhook verify token (for @mentions)",
}

# Where one key means something else for a kind: X's access token is for replies only; the others poll too.
SECRET_LABELS_BY_KIND = {
    ("instagram", "access_token"): "Access token (Instagram Graph API)",
    # Meta signs webhook notifications with the app secret: without it @mentions cannot be received.
    ("instagram", "app_secret"): "App secret (checks webhook signatures; adds appsecret_proof)",
    ("linkedin", "access_token"): "Access token (Community Management API)",
}


def secret_label(kind: str, key: str) -> str:
    return SECRET_LABELS_BY_KIND.get((kind, key)) or SECRET_LABELS.get(key, key)


# Passwords are shown only as "set": their last characters say too much about a short secret. Long random
# tokens show their last four, enough to tell which key is in use.
PASSWORD_SETTINGS = frozenset({"password", "app_password"})
LAST_FOUR_MIN_LENGTH = 16

# A starting point for a new source's settings (the non-secret ones), shown in the form.
SETTINGS_EXAMPLES: dict[str, dict] = {
    "x": {"lang": "en"},
    "reddit": {"client_id": "", "contact": "/u/your_account", "subreddits": []},
    "brave_search": {"endpoints": ["web", "news"], "query_suffixes": ["", "complaints", "reviews"]},
    "feeds": {"google_news": True, "feeds": []},
    "google_reviews": {"client_id": "", "account_id": "", "location_ids": [], "hospital_key": "hospital:"},
    "bluesky": {"handle": ""},
    "facebook_page": {"page_id": "", "hospital_key": "hospital:", "window_days": 28},
    "instagram": {"ig_user_id": "", "hospital_key": "hospital:", "hashtags": [], "hashtag_weekly_limit": 30},
    "youtube": {
        "client_id": "",
        "channel_id": "UC",
        "hospital_key": "hospital:",
        "search": True,
        "search_interval_minutes": 180,
        "daily_quota_units": 10000,
    },
    "linkedin": {"organization_id": "", "hospital_key": "hospital:", "recent_posts": 10},
    "demo": {},
}
SETTINGS_GUIDES = {
    "x": "docs/sources/x.md",
    "reddit": "docs/sources/reddit.md",
    "brave_search": "docs/sources/web_search.md",
    "feeds": "docs/sources/web_search.md",
    "google_reviews": "docs/sources/google_reviews.md",
    "bluesky": "docs/sources/bluesky.md",
    "facebook_page": "docs/sources/facebook.md",
    "instagram": "docs/sources/instagram.md",
    "youtube": "docs/sources/youtube.md",
    "linkedin": "docs/sources/linkedin.md",
}
