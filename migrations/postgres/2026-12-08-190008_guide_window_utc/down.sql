UPDATE guides SET opens_at = opens_at + INTERVAL '8 hours', closes_at = closes_at + INTERVAL '8 hours';
