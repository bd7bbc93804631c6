"""What each kind of source needs from its platform and what the platform does not allow, in one place: the
sources page shows it when a source is added or opened. The full steps are in each kind's guide
(SETTINGS_GUIDES); this is the summary a person needs before they start, as of 2026.

Nothing here is secret: it names settings and permissions, never values.
"""

from dataclasses import dataclass

from sources.constants import SETTINGS_GUIDES


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class PlatformRequirements:
    """One kind of source as its platform sees it. `webhook` marks kinds that also receive Meta webhook
    notifications, so the page shows the callback URL and how to register it."""

    kind: str
    needs: tuple[str, ...]
    permissions: tuple[str, ...]
    steps: tuple[str, ...]
    not_allowed: tuple[str, ...]
    links: tuple[Link, ...] = ()
    webhook: bool = False

    @property
    def guide(self) -> str:
        return SETTINGS_GUIDES.get(self.kind, "")


META_APPS = Link("Meta for Developers: your apps", "https://developers.facebook.com/apps")
META_SYSTEM_USERS = Link(
    "Meta Business Suite: system users", "https://business.facebook.com/settings/system-users"
)

REQUIREMENTS: dict[str, PlatformRequirements] = {
    requirements.kind: requirements
    for requirements in (
        PlatformRequirements(
            kind="x",
            needs=(
                "An X developer account with pay-per-use credits",
                "The app's bearer token (secret) to listen",
                "For replies only: the API key and secret, and an access token and secret made while signed "
                "in as the hospital's account (secrets)",
            ),
            permissions=(
                "Listening: the app-only bearer token (recent search)",
                "Replies: the app set to “Read and write”, tokens regenerated after the change",
            ),
            steps=(
                "Sign in to the X Developer Console and finish onboarding; buy credits.",
                "Apps → Create App, then Keys and tokens → Bearer Token → Generate (shown once).",
                "Paste it as the bearer token here.",
            ),
            not_allowed=(
                "Recent search reaches back 7 days only; older posts are shown as a coverage gap.",
                "A search is at most 512 characters; long term lists are split into several.",
                "Every post read is billed (about $0.005 each).",
            ),
            links=(
                Link("X Developer Console", "https://console.x.com"),
                Link("X API pricing", "https://docs.x.com/x-api/getting-started/pricing"),
            ),
        ),
        PlatformRequirements(
            kind="reddit",
            needs=(
                "Reddit's approval for API access (commercial use needs an agreement)",
                "A “script” app's client id (setting) and client secret (secret)",
                "For replies only: the password of the account listed as the app's developer (secret)",
            ),
            permissions=("Read-only search; replies post as the app's developer account",),
            steps=(
                "Ask Reddit for API access (Responsible Builder Policy).",
                "Once approved, create a “script” app at reddit.com/prefs/apps.",
                "Enter the client id in the settings and the secret below.",
            ),
            not_allowed=(
                "100 queries a minute per client id on the free tier, non-commercial use only.",
                "Search finds posts, not comments; a comment under an unrelated post is missed.",
                "Private, quarantined and banned subreddits cannot be read.",
            ),
            links=(
                Link("Reddit apps", "https://www.reddit.com/prefs/apps"),
                Link(
                    "Reddit Data API wiki",
                    "https://support.reddithelp.com/hc/en-us/articles/16160319875092-Reddit-Data-API-Wiki",
                ),
            ),
        ),
        PlatformRequirements(
            kind="brave_search",
            needs=("A Brave Search API key (secret) on the Search plan",),
            permissions=("None beyond the key",),
            steps=(
                "Sign up at the Brave Search API dashboard and subscribe to the Search plan.",
                "API Keys → Add API key, choose the Search subscription, and paste it below.",
            ),
            not_allowed=(
                "A query is at most 400 characters and 50 words; at most 200 results a search.",
                "Every request is billed ($5 per 1,000, with $5 of free credit a month).",
                "Posts inside social networks and pages behind a login are mostly out of reach.",
            ),
            links=(Link("Brave Search API dashboard", "https://api-dashboard.search.brave.com"),),
        ),
        PlatformRequirements(
            kind="feeds",
            needs=(
                "Nothing secret: Google News needs no key; Google Alerts and other feeds need their address",
            ),
            permissions=("None",),
            steps=(
                "For Google Alerts: create the alert with Deliver to: RSS feed and copy the feed address.",
                "List feed addresses in the settings.",
            ),
            not_allowed=(
                "A feed lists only its latest entries; entries that scrolled away between polls are a gap.",
                "Google News RSS is for personal, non-commercial use: check that your use fits.",
            ),
            links=(Link("Google Alerts", "https://www.google.com/alerts"),),
        ),
        PlatformRequirements(
            kind="google_reviews",
            needs=(
                "A Google Cloud project approved for the Business Profile APIs",
                "An OAuth client id (setting) and client secret (secret)",
                "A refresh token (secret) of an owner or manager of the verified locations",
            ),
            permissions=("OAuth scope https://www.googleapis.com/auth/business.manage",),
            steps=(
                "Request Business Profile API access for a Cloud project (approval takes up to 14 days).",
                "Enable the Google My Business API; set the consent screen to In production.",
                "Create a web OAuth client and get a refresh token in the OAuth 2.0 Playground.",
            ),
            not_allowed=(
                "Only the hospital's own verified locations: other places' reviews cannot be read.",
                "The quota is 0 until Google approves the project; then 300 requests a minute.",
                "The API gives no link to a single review.",
            ),
            links=(
                Link(
                    "Business Profile API prerequisites",
                    "https://developers.google.com/my-business/content/prereqs",
                ),
                Link("Google Cloud console", "https://console.cloud.google.com"),
            ),
        ),
        PlatformRequirements(
            kind="bluesky",
            needs=("A Bluesky account's handle (setting) and an app password (secret)",),
            permissions=("An app password without access to direct messages",),
            steps=(
                "On bsky.app: Settings → Privacy and security → App passwords → Add App Password.",
                "Enter the handle in the settings and the app password below. Never the main password.",
            ),
            not_allowed=(
                "Search has no OR: each tracked term is one search.",
                "30 logins per 5 minutes and about 3,000 requests per 5 minutes.",
            ),
            links=(Link("Bluesky", "https://bsky.app"),),
        ),
        PlatformRequirements(
            kind="facebook_page",
            needs=(
                "A Meta Business app with Facebook Login for Business",
                "The Page's numeric id (setting) and a Page access token (secret), best a system user's",
                "The app secret (secret), when the app requires appsecret_proof",
            ),
            permissions=(
                "pages_show_list",
                "pages_read_engagement",
                "pages_read_user_content (comments, visitor posts, recommendations)",
                "pages_manage_engagement (only to post replies)",
                "In Live mode each needs Advanced Access through App Review",
            ),
            steps=(
                "Create a Business app in Meta for Developers and add Facebook Login for Business.",
                "In Business settings → System users, give a system user the Page (Manage Page), then "
                "Generate new token with the permissions listed.",
                "Paste the token below and the Page id in the settings.",
            ),
            not_allowed=(
                "No keyword search of public posts, groups or other Pages (CrowdTangle closed in 2024): only "
                "the hospital's own Page is heard.",
                "Recommendations cannot be answered through the API.",
                "Calls are limited per Page and app over a rolling hour; polling pauses at 95%.",
            ),
            links=(
                META_APPS,
                META_SYSTEM_USERS,
                Link("Permissions reference", "https://developers.facebook.com/docs/permissions/reference"),
            ),
        ),
        PlatformRequirements(
            kind="instagram",
            needs=(
                "A Business or Creator Instagram account connected to the hospital's Facebook Page",
                "A Meta Business app with Facebook Login for Business",
                "The account id (setting) and an access token (secret) of the Page, best a system user's",
                "For @mentions: the app secret and a verify token of your choice (secrets), and the "
                "webhook below",
            ),
            permissions=(
                "instagram_basic",
                "instagram_manage_comments (comments, replies and @mentions)",
                "pages_read_engagement",
                "pages_show_list",
                "ads_management or business_management, when the Page role was given in Business Manager",
                "Instagram Public Content Access feature, only for hashtags",
                "instagram_manage_insights is not needed: it serves story insights only",
                "In Live mode each needs Advanced Access through App Review; webhooks also need a verified "
                "business",
            ),
            steps=(
                "Connect the Instagram account to the Page and create a Business app in Meta for Developers.",
                "In Business settings → System users, give a system user the Page and the Instagram account, "
                "then Generate new token with the permissions listed.",
                "Find the account id with GET /{page-id}?fields=instagram_business_account.",
            ),
            not_allowed=(
                "No keyword search: only comments on the account's media, media that tag it, followed "
                "hashtags and (with the webhook) @mentions.",
                "@mentions reach apps only as webhooks: they cannot be polled, and mentions made while the "
                "webhook was not set up are lost. Private accounts' posts and stories send none.",
                "30 unique hashtags per account in a rolling 7 days, across every app; a hashtag lists the "
                "last 24 hours only.",
                "Posts found by a tag or hashtag cannot be commented on through the API; @mentions can be "
                "answered (POST /{ig-user-id}/mentions), comments on the account's own media too.",
            ),
            links=(
                META_APPS,
                META_SYSTEM_USERS,
                Link(
                    "Instagram mentions",
                    "https://developers.facebook.com/docs/instagram-platform/"
                    "instagram-api-with-facebook-login/mentions",
                ),
                Link(
                    "Webhooks for Instagram",
                    "https://developers.facebook.com/docs/graph-api/webhooks/getting-started/"
                    "webhooks-for-instagram/",
                ),
            ),
            webhook=True,
        ),
        PlatformRequirements(
            kind="youtube",
            needs=(
                "A Google Cloud project with the YouTube Data API v3 enabled",
                "An OAuth client id and channel id (settings), client secret and refresh token (secrets)",
            ),
            permissions=(
                "OAuth scope https://www.googleapis.com/auth/youtube.force-ssl (reads comments and replies)",
            ),
            steps=(
                "Enable YouTube Data API v3; set the consent screen to In production.",
                "Create a web OAuth client; in the OAuth 2.0 Playground authorize as the hospital's channel "
                "and copy the refresh token.",
                "The channel id is in YouTube Studio → Settings → Channel → Advanced settings.",
            ),
            not_allowed=(
                "10,000 quota units a day per project; a search costs 100, so searches are rationed.",
                "Search matches titles, descriptions and tags, not what is said in the video.",
            ),
            links=(
                Link("Google Cloud console", "https://console.cloud.google.com"),
                Link("OAuth 2.0 Playground", "https://developers.google.com/oauthplayground"),
            ),
        ),
        PlatformRequirements(
            kind="linkedin",
            needs=(
                "An app approved for the Community Management API, linked to the hospital's page",
                "The organization id (setting) and an access token (secret) of a page administrator",
            ),
            permissions=("r_organization_social (reading)", "w_organization_social (replies)"),
            steps=(
                "Create an app in the LinkedIn Developer Portal and request the Community Management API.",
                "Auth → OAuth 2.0 tools → Create token, signed in as a Super or Content admin of the page.",
                "Tokens last 60 days: renew before they expire.",
            ),
            not_allowed=(
                "No keyword search: only comments on the hospital's own page's recent posts.",
                "Other pages, including competitors', cannot be read.",
            ),
            links=(Link("LinkedIn developer apps", "https://www.linkedin.com/developers/apps"),),
        ),
        PlatformRequirements(
            kind="demo",
            needs=("Nothing: it replays a bundled data set",),
            permissions=("None",),
            steps=("Add it to try the dashboards without any platform account.",),
            not_allowed=("It is not real data.",),
        ),
    )
}


def platform_requirements(kind: str) -> PlatformRequirements | None:
    return REQUIREMENTS.get(kind)
