//! `hcrm` — serves the HCRM API, its docs and the web app; migrates; creates users; demo data.

mod accounts;
mod bench;
mod bench_360;
mod bench_his;
mod bench_http;
mod config;
mod demo;
mod demo_appointments;
mod demo_complaints;
mod demo_customers;
mod demo_service;
mod demo_visits;
mod generate;
mod generate_visits;
mod jobs;
mod pgbench;
mod synth;

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hcrm_domain::Role;

use crate::config::Config;

/// mimalloc instead of glibc's malloc: every gzip-compressed answer allocates and frees the
/// compressor's large buffers, and glibc spent ~5 % of the machine consolidating its free
/// lists under the search benchmark (PERF-1, `docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (its `mimalloc.h`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_thp` in mimalloc 3's `mi_option_t`.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// PERF-6: freed memory goes back to the system at once rather than after mimalloc 3's 1 s. A
/// worker thread purges only when it next allocates, so the memory that building the app and
/// its OpenAPI document used on each worker stayed resident while the workers waited: a fresh
/// server held ~105 MiB instead of ~90, and a flood of sign-ins peaked at 157–165 MiB instead
/// of 116–126 (measured with the environment variable `MIMALLOC_PURGE_DELAY`, which is read
/// before `main` and so cannot be set from here). At 10 ms (mimalloc 2's default), after the
/// HIS, webhook and FHIR modules a 100,000-row import's dry run still peaked at 149–153 MB on
/// PostgreSQL (e2e `import_bombs`); at 0 it peaks at 137 MB in the same 40 s.
///
/// And no transparent huge pages. mimalloc asks for them on its 1 GiB arena
/// (`MADV_HUGEPAGE`); where the system's `khugepaged` fills a 2 MiB page around every page in
/// use (Debian's default `max_ptes_none` of 511), an idle server grew from 21 to 40 MiB in
/// its first 15 s with no request, and a sign-in's 19 MiB of Argon2 memory given back was
/// hidden by the growth (the e2e test `security::an_idle_server_gives…` failed in CI at
/// 43.6 → 29.6 MiB). Without them the idle server stays at ~16 MiB. `prctl` turns them off for
/// the process, the arena mimalloc reserved before `main` included; the option keeps mimalloc
/// from asking for them again.
#[allow(unsafe_code)]
fn return_freed_memory_sooner() {
    // SAFETY: sets plain integer options, before any thread but this one runs; mimalloc
    // documents `mi_option_set` as callable at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    #[cfg(target_os = "linux")]
    no_transparent_huge_pages();
}

/// See [`return_freed_memory_sooner`].
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    // SAFETY: `PR_SET_THP_DISABLE` takes no pointers; it sets a flag of this process.
    let disabled = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    if disabled != 0 {
        // Logging is not set up yet; a kernel without the call keeps the pages, nothing else.
        eprintln!(
            "hcrm: cannot turn transparent huge pages off: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[derive(Parser)]
#[command(
    name = "hcrm",
    version,
    about = "Hospital customer-relationship management (HCRM)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, /docs and the web app on HCRM_BIND (the default command).
    Serve,
    /// Run the database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Manage staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill the database with a realistic demo dataset and print the demo passwords once.
    Demo,
    /// Add N generated customers fast, for benchmarks (OPS-2); spread over every institution.
    /// `--visits M` then adds M visits over all live customers (PERF-2).
    Generate {
        #[arg(long, default_value_t = 0)]
        customers: usize,
        /// Visits with spending to add over the live customers (after the customers).
        #[arg(long, default_value_t = 0)]
        visits: usize,
        /// Only this institution (its code).
        #[arg(long)]
        institution: Option<String>,
        /// Seed of the generator (default: the number of customers already there).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Benchmarks against a running server and the database (PERF-1, PERF-8).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Customer search (phone suffix, name fragment, pinyin initials) through the API and
    /// directly on the database, at the same concurrency; needs the server's DATABASE_URL.
    Search {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// How long each side runs: `20s`, `1m`, `500ms`.
        #[arg(long, default_value = "20s")]
        duration: String,
        /// How long the clients run before samples count, on each side: connections are
        /// opened and statements prepared, as in a server that has been up a while.
        #[arg(long, default_value = "2s")]
        warmup: String,
        /// The running server (127.0.0.1 only).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// A user with customer.read, group-wide so that both sides see the same customers.
        #[arg(long, default_value = "director")]
        username: String,
        /// Its password.
        #[arg(long, env = "HCRM_BENCH_PASSWORD", hide_env_values = true)]
        password: String,
        /// Write the figures as JSON to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// An earlier `--out` file (another data size): print the latency ratios (PERF-8).
        #[arg(long)]
        baseline: Option<std::path::PathBuf>,
        /// Only the API side.
        #[arg(long, conflicts_with = "sql_only")]
        api_only: bool,
        /// Only the database side (no server needed).
        #[arg(long)]
        sql_only: bool,
        /// Query kinds, comma-separated: phone_suffix, name_fragment, pinyin_initials (PERF-1's
        /// mix), given_char (one given-name character).
        #[arg(long, default_value = "phone_suffix,name_fragment,pinyin_initials")]
        kinds: String,
        /// Ask for uncompressed answers, as an integration on the hospital's LAN would (by
        /// default the client asks for gzip, as a browser does).
        #[arg(long)]
        identity: bool,
        /// Also run the same statements with PostgreSQL's `pgbench` (on the PATH) at the same
        /// concurrency, and print the API's throughput against it (PERF-1).
        #[arg(long, conflicts_with = "api_only")]
        pgbench: bool,
    },
    /// PERF-2: the customer 360 page's reads and one visit by id through the API, the same
    /// hcrm-db calls on a pool and (`--pgbench`) their statements run by pgbench, at the same
    /// concurrency; customers drawn from those with visits (`hcrm generate --visits`).
    #[command(name = "360", alias = "reads")]
    Reads {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// How long each side runs: `20s`, `1m`, `500ms`.
        #[arg(long, default_value = "20s")]
        duration: String,
        /// How long the clients run before samples count, on each side.
        #[arg(long, default_value = "2s")]
        warmup: String,
        /// The running server (127.0.0.1 only).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// A group-wide user with customer.read, contact.read and service.read.
        #[arg(long, default_value = "director")]
        username: String,
        /// Its password.
        #[arg(long, env = "HCRM_BENCH_PASSWORD", hide_env_values = true)]
        password: String,
        /// Write the figures as JSON to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Only the API side.
        #[arg(long, conflicts_with = "sql_only")]
        api_only: bool,
        /// Only the database side (no server needed).
        #[arg(long)]
        sql_only: bool,
        /// Ask for uncompressed answers.
        #[arg(long)]
        identity: bool,
        /// Also run the same statements with PostgreSQL's `pgbench` (PERF-2's ≥ 50 %).
        #[arg(long, conflicts_with = "api_only")]
        pgbench: bool,
    },
    /// PERF-3: HIS batch upserts of new visits through the API of a running server, with the
    /// event processing on; prints visits/s. Makes an integration user and API key for the run
    /// in the institution with the most HIS ids (`hcrm generate --customers N` first).
    His {
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// How long the clients send: `20s`, `1m`.
        #[arg(long, default_value = "20s")]
        duration: String,
        #[arg(long, default_value = "3s")]
        warmup: String,
        /// Visits per batch (1–1,000).
        #[arg(long, default_value_t = 1000)]
        batch_size: usize,
        /// The running server (127.0.0.1 only).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// The institution's code (default: the one with the most HIS ids).
        #[arg(long)]
        institution: Option<String>,
        #[arg(long, default_value_t = 20261215)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        /// Role code (repeat for several): agent, follow_up_agent, account_manager, supervisor,
        /// director, medical_affairs, president, executive, admin, integration.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Institution code (repeat for several).
        #[arg(long = "institution")]
        institutions: Vec<String>,
        /// Sees every institution (director, executive, admin only).
        #[arg(long)]
        group_wide: bool,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    return_freed_memory_sooner();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let config = Config::from_env();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => migrate(&config).map(|n| println!("{n} migration(s) applied")),
        Command::Openapi => serde_json::to_string_pretty(&hcrm_api::openapi())
            .map(|s| println!("{s}"))
            .map_err(|e| e.to_string()),
        Command::User { command } => create_user(&config, command),
        Command::Demo => demo(&config),
        Command::Generate {
            customers,
            visits,
            institution,
            seed,
        } => generate(&config, (customers, visits), institution.as_deref(), seed),
        Command::Bench {
            command:
                BenchCommand::Search {
                    clients,
                    duration,
                    warmup,
                    base_url,
                    username,
                    password,
                    out,
                    baseline,
                    api_only,
                    sql_only,
                    kinds,
                    identity,
                    pgbench,
                },
        } => bench::parse_duration(&duration).and_then(|duration| {
            let warmup = bench::parse_warmup(&warmup)?;
            let kinds = bench::parse_kinds(&kinds)?;
            if !(1..=256).contains(&clients) {
                return Err("--clients must be between 1 and 256".into());
            }
            bench::search(
                &bench::Options {
                    clients,
                    duration,
                    warmup,
                    base_url,
                    username,
                    password,
                    out,
                    baseline,
                    skip_sql: api_only,
                    skip_api: sql_only,
                    kinds,
                    identity,
                    pgbench,
                },
                &config.database_url,
            )
        }),
        Command::Bench {
            command:
                BenchCommand::Reads {
                    clients,
                    duration,
                    warmup,
                    base_url,
                    username,
                    password,
                    out,
                    api_only,
                    sql_only,
                    identity,
                    pgbench,
                },
        } => bench::parse_duration(&duration).and_then(|duration| {
            let warmup = bench::parse_warmup(&warmup)?;
            if !(1..=256).contains(&clients) {
                return Err("--clients must be between 1 and 256".into());
            }
            bench_360::run(
                &bench::Options {
                    clients,
                    duration,
                    warmup,
                    base_url,
                    username,
                    password,
                    out,
                    baseline: None,
                    skip_sql: api_only,
                    skip_api: sql_only,
                    kinds: Vec::new(),
                    identity,
                    pgbench,
                },
                &config.database_url,
            )
        }),
        Command::Bench {
            command:
                BenchCommand::His {
                    clients,
                    duration,
                    warmup,
                    batch_size,
                    base_url,
                    institution,
                    seed,
                },
        } => bench::parse_duration(&duration).and_then(|duration| {
            let warmup = bench::parse_warmup(&warmup)?;
            if !(1..=256).contains(&clients) || !(1..=1000).contains(&batch_size) {
                return Err("--clients must be 1–256 and --batch-size 1–1000".into());
            }
            bench_his::run(
                &bench_his::Options {
                    clients,
                    duration,
                    warmup,
                    batch_size,
                    base_url,
                    institution,
                    seed,
                },
                &config.database_url,
            )
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hcrm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn pool(config: &Config) -> Result<hcrm_db::Pool, String> {
    hcrm_db::connect(&config.database_url, config.db_pool).map_err(|e| e.to_string())
}

fn migrate(config: &Config) -> Result<usize, String> {
    let pool = pool(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    hcrm_db::run_migrations(&mut conn).map_err(|e| e.to_string())
}

fn serve(config: Config) -> Result<(), String> {
    let pool = pool(&config)?;
    {
        let mut conn = pool.get().map_err(|e| format!("database: {e}"))?;
        let n = hcrm_db::run_migrations(&mut conn).map_err(|e| e.to_string())?;
        if n > 0 {
            log::info!("applied {n} migration(s)");
        }
        accounts::bootstrap_admin(&mut conn, config.admin_password.as_deref())?;
    }
    let secret = config
        .jwt_secret()
        .map_err(|e| format!("JWT secret: {e}"))?;
    if config.escalation_seconds > 0 {
        jobs::start_escalations(
            pool.clone(),
            std::time::Duration::from_secs(config.escalation_seconds),
        );
    }
    if config.appointment_job_seconds > 0 {
        jobs::start_appointments(
            pool.clone(),
            std::time::Duration::from_secs(config.appointment_job_seconds),
        );
    }
    if config.webhook_job_seconds > 0 {
        hcrm_server::webhooks::start(
            pool.clone(),
            std::time::Duration::from_secs(config.webhook_job_seconds),
            hcrm_server::webhooks::Worker::new(
                std::time::Duration::from_secs(config.webhook_timeout_seconds),
                config.webhook_allow_private,
            ),
        );
    }
    let state = hcrm_api::AppState::new(pool, &secret, config.api_settings());
    match config
        .web_dirs
        .iter()
        .find(|d| d.join("index.html").is_file())
    {
        Some(d) => log::info!("serving the web app from {}", d.display()),
        None => log::warn!(
            "web app not built (frontend/dist): run scripts/build-web.sh; it is served once built"
        ),
    }
    let backend = hcrm_db::Backend::from_url(&config.database_url).name();
    log::info!("HCRM listening on http://{} ({backend})", config.bind);
    let web_dirs = config.web_dirs.clone();
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(move || hcrm_api::app(state.clone(), web_dirs.clone()))
            // PERF-1: answer at once. With Nagle's algorithm a response written in two parts
            // waits for the client's delayed ACK, adding ~40 ms to every request.
            .tcp_nodelay(true)
            .bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?
            // OPS-3: on SIGTERM/SIGINT stop accepting and finish requests in flight.
            .shutdown_timeout(30)
            .run()
            .await
            .map_err(|e| e.to_string())
    })
}

fn create_user(config: &Config, command: UserCommand) -> Result<(), String> {
    let UserCommand::Create {
        username,
        roles,
        institutions,
        group_wide,
        display_name,
        password_stdin: _,
    } = command;
    let roles = roles
        .iter()
        .map(|r| Role::from_code(r).ok_or_else(|| format!("unknown role {r}")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    let password = password.trim_end_matches(['\r', '\n']);
    migrate(config)?;
    let pool = pool(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let user = accounts::create(
        &mut conn,
        accounts::NewUser {
            display_name: display_name.as_deref().unwrap_or(&username),
            username: &username,
            password,
            roles,
            institution_codes: institutions,
            group_wide,
            phone: None,
        },
    )?;
    println!("created user {} ({})", user.username, user.id);
    Ok(())
}

fn demo(config: &Config) -> Result<(), String> {
    migrate(config)?;
    let pool = pool(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    demo::fill(&mut conn)
}

fn generate(
    config: &Config,
    (customers, visits): (usize, usize),
    institution: Option<&str>,
    seed: Option<u64>,
) -> Result<(), String> {
    if customers == 0 && visits == 0 {
        return Err("give --customers N and/or --visits M (at least 1)".into());
    }
    migrate(config)?;
    let pool = pool(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if customers > 0 {
        let secs = generate::run(&mut conn, customers, institution, seed)?;
        println!("generated {customers} customers in {secs:.1} s");
    }
    if visits > 0 {
        let secs = generate_visits::run(&mut conn, visits, seed)?;
        println!("generated {visits} visits in {secs:.1} s");
    }
    Ok(())
}
