"""The names of badge rules, and which game events can change each rule's count."""

PICTURES_KEPT = "pictures_kept"
CATEGORIES_TRIED = "categories_tried"
STREAK_DAYS = "streak_days"
STARS_RECEIVED = "stars_received"
CHALLENGES_ENTERED = "challenges_entered"
CHALLENGES_WON = "challenges_won"
ARTWORKS_FEATURED = "artworks_featured"

RULE_CHOICES = [
    (PICTURES_KEPT, "pictures kept ≥ threshold"),
    (CATEGORIES_TRIED, "different categories kept ≥ threshold"),
    (STREAK_DAYS, "days in a row ≥ threshold"),
    (STARS_RECEIVED, "stars received ≥ threshold"),
    (CHALLENGES_ENTERED, "challenges entered ≥ threshold"),
    (CHALLENGES_WON, "challenges won ≥ threshold"),
    (ARTWORKS_FEATURED, "pictures featured ≥ threshold"),
]

# Events the actions report to badges.award_badges.
KEPT = "kept"
DREW = "drew"
STARRED = "starred"
ENTERED = "entered"
WON = "won"
FEATURED = "featured"
EVENTS = (KEPT, DREW, STARRED, ENTERED, WON, FEATURED)

RULES_FOR_EVENT = {
    KEPT: (PICTURES_KEPT, CATEGORIES_TRIED),
    DREW: (STREAK_DAYS,),
    STARRED: (STARS_RECEIVED,),
    ENTERED: (CHALLENGES_ENTERED,),
    WON: (CHALLENGES_WON,),
    FEATURED: (ARTWORKS_FEATURED,),
}
