"""Print the load test's summary from locust's CSV statistics: throughput, p95, errors."""

import csv
import sys


def main(prefix: str) -> int:
    with open(f"{prefix}_stats.csv", newline="") as stats_file:
        rows = list(csv.DictReader(stats_file))
    width = max(len(f"{r['Type']} {r['Name']}") for r in rows)
    print(
        f"{'Request':<{width}}  {'Count':>7}  {'Errors':>6}  {'Median ms':>9}  {'p95 ms':>7}  {'Req/s':>6}"
    )
    for row in rows:
        label = "All requests" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"{label:<{width}}  {row['Request Count']:>7}  {row['Failure Count']:>6}  "
            f"{row['Median Response Time']:>9}  {row['95%']:>7}  {float(row['Requests/s']):>6.1f}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    print(
        f"\nThroughput {float(total['Requests/s']):.1f} requests/s, p95 {total['95%']} ms, "
        f"{errors} errors in {total['Request Count']} requests."
    )
    try:
        with open(f"{prefix}_failures.csv", newline="") as failures_file:
            for failure in csv.DictReader(failures_file):
                print(
                    f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} "
                    f"({failure['Occurrences']}×)"
                )
    except FileNotFoundError:
        pass
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
