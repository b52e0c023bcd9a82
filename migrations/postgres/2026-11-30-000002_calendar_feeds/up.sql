-- One secret calendar-feed address per user (iCal of checkpoint due dates); only a hash of the
-- token in the address is stored. A new address replaces the old one.
CREATE TABLE calendar_feeds (
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
