"""The URLs of wrk/table-queries.lua, and the mean size of the pages a run of N requests saw.

    python3 scripts/bench/table_queries.py BASE_URL REQUESTS OUT_FILE
writes OUT_FILE: that many bytes, a static reference of the same size as the pages served."""
import sys
import urllib.request

TERMS = ["", "a", "e", "ca", "de", "in", "permis", "aide", "carte", "declaration"]
SORTS = ["titre", "ministere", "online", "satisfaction", "handicap", "dlnuf", "usage", "simplicity",
         "help_reachable", "help_efficient", "help_used", "uptime", "performance", "auth"]


def path(i):
    return (f"/editions/2025-decembre?q={TERMS[i % 10]}&tri={SORTS[i // 10 % 14]}"
            f"&ordre={'asc' if i // 140 % 2 == 0 else 'desc'}&par_page={10 + i // 280 % 491}")


def main():
    base, requests, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    step = max(1, requests // 400)
    sizes = [len(urllib.request.urlopen(base + path(i)).read()) for i in range(0, max(requests, 1), step)]
    with open(out, "wb") as f:
        f.write(b"x" * (sum(sizes) // len(sizes)))


if __name__ == "__main__":
    main()
