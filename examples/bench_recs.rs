//! Recommendation model times on the cleaned Online Retail purchases, each against a reference
//! in the same run, and on a seeded synthetic replication of about 10 million lines.
//!
//! `cargo run --release --example bench_recs [path/to/online_retail.csv.gz]`
//!
//! Setup (not timed): the raw file is imported into a temporary project and its purchases read
//! (`read_interactions`: customer present, quantity and amount above 0 — the usual cleaning).
//! Timed in-process, median of 5 (ALS: of 3):
//! - the customer × item matrix (`TrainSet`, binary);
//! - item-kNN (Jaccard, shrinkage 10, 50 neighbours) against (a) the same neighbours from dense
//!   bitsets of buyers (`reference::knn_bitsets`, checked identical) and (b) scipy's sparse
//!   BᵀB with the same similarity and top 50 per item, when python3 has numpy and scipy;
//! - ALS, 20 factors, 15 iterations, on all cores and on one, against the same algorithm
//!   written with numpy (one `np.linalg.solve` per row, the YᵀY trick) from the same start,
//!   compared by the final loss;
//! - association rules at 0.5% support (confidence 0.1, up to 3 items) against
//!   `reference::rules_by_counting` (checked identical).
//!
//! Scaling: the purchases are copied 26 times (about 10.3 M lines); in each copy the customer
//! and order ids get a suffix and, with a seeded generator, 10% of the lines take the item of
//! another random line, so the copies are not identical. Matrix, item-kNN, ALS and rules are
//! timed once each on that.

use loupe::import::{ImportOptions, import_files};
use loupe::progress::Reporter;
use loupe::recommend::als::{AlsOptions, fit_als, objective, starting_factors};
use loupe::recommend::itemknn::{KnnOptions, fit_itemknn};
use loupe::recommend::matrix::TrainSet;
use loupe::recommend::reference::{knn_bitsets, rules_by_counting};
use loupe::recommend::{
    Interactions, InteractionsBuilder, RawLine, ReadOptions, RuleOptions, Weighting,
    association_rules, read_interactions,
};
use loupe::store::Project;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "common/timing.rs"]
mod timing;
use timing::median;

fn ms(d: Duration) -> String {
    timing::ms(d, 1)
}

const COPIES: usize = 26;

const RULES: RuleOptions = RuleOptions {
    min_support: 0.005,
    min_confidence: 0.1,
    min_lift: 0.0,
    max_len: 3,
    max_consequent: 1,
};

/// scipy: co-counts as BᵀB, Jaccard with shrinkage, the 50 best per item.
const SCIPY_KNN: &str = r#"
import sys, time
import numpy as np, scipy.sparse as sp
d = np.loadtxt(sys.argv[1], delimiter=',', dtype=np.int64)
nu, ni = int(sys.argv[2]), int(sys.argv[3])
B = sp.csr_matrix((np.ones(len(d)), (d[:, 0], d[:, 1])), shape=(nu, ni))
times = []
for _ in range(5):
    t = time.perf_counter()
    C = (B.T @ B).tocsr()
    C.setdiag(0)
    C.eliminate_zeros()
    n = np.asarray(B.sum(axis=0)).ravel()
    rows = np.repeat(np.arange(ni), np.diff(C.indptr))
    c = C.data
    sim = c / (n[rows] + n[C.indices] - c) * c / (c + 10.0)
    top = []
    for i in range(ni):
        a, b = C.indptr[i], C.indptr[i + 1]
        s = sim[a:b]
        k = min(50, b - a)
        if k:
            top.append(C.indices[a:b][np.argpartition(-s, k - 1)[:k]])
    times.append(time.perf_counter() - t)
times.sort()
print(f'{times[2] * 1000:.1f} ms (pairs {C.nnz}, common {int(c.sum())})')
"#;

/// numpy ALS: the same sweeps, items then customers, one solve per row.
const NUMPY_ALS: &str = r#"
import sys, time
import numpy as np, scipy.sparse as sp
d = np.loadtxt(sys.argv[1], delimiter=',', dtype=np.int64)
nu, ni, f, iters = int(sys.argv[2]), int(sys.argv[3]), 20, 15
lam, alpha = float(sys.argv[5]), float(sys.argv[6])
X = np.fromfile(sys.argv[4], dtype='<f8').reshape(nu, f)
R = sp.csr_matrix((np.ones(len(d)), (d[:, 0], d[:, 1])), shape=(nu, ni))
RT = R.T.tocsr()
I = lam * np.eye(f)
def sweep(M, F):
    G = F.T @ F
    out = np.zeros((M.shape[0], f))
    for r in range(M.shape[0]):
        a, b = M.indptr[r], M.indptr[r + 1]
        if a == b:
            continue
        Fu = F[M.indices[a:b]]
        c1 = alpha * M.data[a:b]
        A = G + (Fu.T * c1) @ Fu + I
        out[r] = np.linalg.solve(A, Fu.T @ (1.0 + c1))
    return out
t = time.perf_counter()
for _ in range(iters):
    Y = sweep(RT, X)
    X = sweep(R, Y)
el = time.perf_counter() - t
loss = np.sum((X.T @ X) * (Y.T @ Y))
rows, cols = R.nonzero()
s = np.einsum('ij,ij->i', X[rows], Y[cols])
loss += np.sum((1 + alpha) * (1 - s) ** 2 - s ** 2) + lam * (np.sum(X * X) + np.sum(Y * Y))
print(f'{el * 1000:.0f} ms, loss {loss:.10g}')
"#;

fn python(script: &str, args: &[String]) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => "not measured (python3 with numpy and scipy is needed)".into(),
    }
}

/// The matrix's (customer, item) pairs as CSV, for the python references.
fn write_pairs(train: &TrainSet, path: &Path) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("pairs file"));
    for u in 0..train.customers() {
        for &i in train.user_items.row(u).0 {
            writeln!(w, "{u},{i}").expect("write pairs");
        }
    }
}

/// The lines copied `COPIES` times, ids suffixed, 10% of items redrawn (seeded).
fn replicate(inter: &Interactions) -> Interactions {
    let mut seed = 0x5EED_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut b = InteractionsBuilder::new();
    let (mut customer, mut order) = (String::new(), String::new());
    for c in 0..COPIES {
        for l in &inter.lines {
            let item = if next() % 10 == 0 {
                inter.lines[(next() % inter.lines.len() as u64) as usize].item
            } else {
                l.item
            };
            customer.clear();
            order.clear();
            use std::fmt::Write as _;
            let _ = write!(customer, "{}~{c}", inter.customers[l.customer as usize]);
            let _ = write!(order, "{}~{c}", l.order);
            b.push(RawLine {
                customer: &customer,
                item: &inter.items[item as usize],
                description: None,
                order: Some(&order),
                time: "",
                day: l.day,
                quantity: l.quantity,
            });
        }
    }
    b.finish()
}

fn main() {
    let src = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/online_retail.csv.gz")
        });
    if !src.exists() {
        eprintln!("{} is absent: pass the Online Retail file", src.display());
        std::process::exit(1);
    }
    let dir = std::env::temp_dir().join(format!("loupe-bench-recs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut p = Project::create(dir.join("bench.loupe")).expect("project");
    let opts = ImportOptions {
        name: Some("online_retail".into()),
        ..ImportOptions::default()
    };
    import_files(
        &mut p,
        std::slice::from_ref(&src),
        &opts,
        &Reporter::silent(),
    )
    .expect("import");
    let quiet = Reporter::silent();
    let started = Instant::now();
    let inter =
        read_interactions(&p, "online_retail", &ReadOptions::default(), &quiet).expect("purchases");
    println!(
        "cleaned Online Retail: {} lines, {} customers, {} items, {} orders (read in {})",
        inter.lines.len(),
        inter.customers.len(),
        inter.items.len(),
        inter.orders,
        ms(started.elapsed())
    );
    let build = median(5, || {
        TrainSet::new(&inter, |_| true, Weighting::Binary);
    });
    let train = TrainSet::new(&inter, |_| true, Weighting::Binary);
    println!(
        "matrix: {} customer-item pairs, {} baskets: {}",
        train.user_items.nnz(),
        train.baskets.len(),
        ms(build)
    );
    let pairs = dir.join("pairs.csv");
    write_pairs(&train, &pairs);
    let dims = [
        pairs.display().to_string(),
        train.customers().to_string(),
        train.items().to_string(),
    ];

    // Item-kNN.
    let knn = KnnOptions::default();
    let model = fit_itemknn(&train, &knn, &quiet).expect("item-kNN");
    let t_knn = median(5, || {
        fit_itemknn(&train, &knn, &quiet).expect("item-kNN");
    });
    let t_one = median(5, || {
        fit_itemknn(&train, &KnnOptions { threads: 1, ..knn }, &quiet).expect("item-kNN");
    });
    let started = Instant::now();
    let (reference, ref_pairs, ref_common) = knn_bitsets(&train, &knn);
    let t_bits = started.elapsed();
    let same = reference == model.neighbours && ref_pairs == model.pairs;
    println!(
        "item-kNN: {} (1 thread {}; pairs {}, common {}) | dense bitsets {} ({}) | scipy {}",
        ms(t_knn),
        ms(t_one),
        model.pairs,
        model.common_total,
        ms(t_bits),
        if same && ref_common == model.common_total {
            "same neighbours"
        } else {
            "DIFFERENT neighbours"
        },
        python(SCIPY_KNN, &dims)
    );

    // ALS.
    let als = AlsOptions::default();
    let fitted = fit_als(&train, &als, &quiet).expect("ALS");
    let t_als = median(3, || {
        fit_als(&train, &als, &quiet).expect("ALS");
    });
    let started = Instant::now();
    fit_als(&train, &AlsOptions { threads: 1, ..als }, &quiet).expect("ALS");
    let t_als_one = started.elapsed();
    let start = dir.join("x0.bin");
    let x0: Vec<u8> = starting_factors(train.customers(), als.factors, als.seed)
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write(&start, x0).expect("start file");
    let mut args = dims.to_vec();
    args.extend([
        start.display().to_string(),
        als.regularization.to_string(),
        als.alpha.to_string(),
    ]);
    let loss = objective(&train, &fitted.users, &fitted.items, als.factors, &als);
    println!(
        "ALS {} factors, {} iterations: {} (1 thread {}), loss {loss:.10e} | numpy {}",
        als.factors,
        als.iterations,
        ms(t_als),
        ms(t_als_one),
        python(NUMPY_ALS, &args)
    );

    // Rules.
    let rules = association_rules(&train.baskets, &RULES);
    let t_rules = median(5, || {
        association_rules(&train.baskets, &RULES);
    });
    let started = Instant::now();
    let counted = rules_by_counting(&train.baskets, train.items(), &RULES);
    let t_count = started.elapsed();
    println!(
        "rules at 0.5% support: {} rules in {} | counting pairs and triples {} ({})",
        rules.len(),
        ms(t_rules),
        ms(t_count),
        if counted == rules {
            "same rules"
        } else {
            "DIFFERENT rules"
        }
    );

    // About 10 M lines.
    let big = replicate(&inter);
    drop(p);
    let started = Instant::now();
    let train = TrainSet::new(&big, |_| true, Weighting::Binary);
    let t_build = started.elapsed();
    println!(
        "{COPIES}x replication: {} lines, {} customers, {} customer-item pairs, {} baskets; matrix {}",
        big.lines.len(),
        big.customers.len(),
        train.user_items.nnz(),
        train.baskets.len(),
        ms(t_build)
    );
    let started = Instant::now();
    fit_itemknn(&train, &knn, &quiet).expect("item-kNN");
    let t_knn = started.elapsed();
    let started = Instant::now();
    fit_als(&train, &als, &quiet).expect("ALS");
    let t_als = started.elapsed();
    let started = Instant::now();
    let n = association_rules(&train.baskets, &RULES).len();
    let t_rules = started.elapsed();
    println!(
        "  item-kNN {}; ALS {}; rules {} ({n} rules)",
        ms(t_knn),
        ms(t_als),
        ms(t_rules)
    );
    // Peak memory of the whole run (Linux).
    if let Some(peak) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
    {
        println!(
            "peak resident memory: {}",
            peak.trim_start_matches("VmHWM:").trim()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
