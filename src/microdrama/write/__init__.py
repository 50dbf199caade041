"""Planning and writing: source analysis -> series bible, episode plan and scripts."""
