UPDATE guides SET opens_at = datetime(opens_at, '+8 hours'), closes_at = datetime(closes_at, '+8 hours');
