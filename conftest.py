"""Repository-wide pytest settings: notebooks that are test fixtures are not tests themselves."""

collect_ignore_glob = [
    "tests/submissions/*",
    "tests/browser_nb/*",
    "exercises/*",
    "build/*",
    "benchmarks/*",
]
