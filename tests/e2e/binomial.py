"""Two-sided exact binomial test: is K successes in N trials consistent with p = 0.5?

Prints the p-value and exits 0 when it is above ALPHA (default 0.001), 1 otherwise.
Used by the end-to-end test to judge the 50/50 split without a fixed tolerance.
"""

import math
import sys


def two_sided_p(k, n):
    # P(X = i) for X ~ Binomial(n, 1/2), summed over outcomes at least as unlikely as k.
    log_half_n = n * math.log(0.5)

    def pmf(i):
        return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + log_half_n)

    observed = pmf(k)
    return min(1.0, sum(pmf(i) for i in range(n + 1) if pmf(i) <= observed * (1 + 1e-9)))


if __name__ == "__main__":
    k, n = int(sys.argv[1]), int(sys.argv[2])
    alpha = float(sys.argv[3]) if len(sys.argv) > 3 else 0.001
    p = two_sided_p(k, n)
    print(f"binomial test: {k} of {n} to the first route, p = {p:.4g} (alpha {alpha})")
    sys.exit(0 if n > 0 and p > alpha else 1)
