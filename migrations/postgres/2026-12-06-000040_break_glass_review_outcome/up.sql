-- X-6a: a reviewer's finding on a break-glass access (appropriate, inappropriate,
-- needs_follow_up); null while not reviewed and for grants reviewed before findings were kept.
ALTER TABLE break_glass_grants ADD COLUMN review_outcome TEXT;
