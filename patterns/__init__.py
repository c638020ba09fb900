"""Pattern data for textmine (JSON and JSONL files). Installed as ``textmine.patterns``; no code here."""
