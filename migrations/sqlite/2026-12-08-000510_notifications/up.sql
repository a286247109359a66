-- Issue 10 (CMP-5b): in-app notifications of a user — the header's bell. A shared piece:
-- each row is one recipient's, written in the transaction of what it tells (a complaint's
-- escalation with its tasks); the title in both languages as it was when made.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    source_type TEXT,
    source_id TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
-- The user's list, newest first, and the unread count.
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
