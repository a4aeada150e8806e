"""Coverage: requirements, the evidence a claimed section holds, scores, thresholds."""
