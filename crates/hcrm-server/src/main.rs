//! `hcrm` — serves the HCRM API, its docs and the web app; migrates; creates users; demo data.

mod accounts;
mod config;
mod demo;

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hcrm_domain::Role;

use crate::config::Config;

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
    hcrm_db::connect(&config.database_url, 16).map_err(|e| e.to_string())
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
    let state = hcrm_api::AppState::new(pool, &secret, hcrm_api::Settings::default());
    match &config.web_dir {
        Some(d) => log::info!("serving the web app from {}", d.display()),
        None => log::warn!("web app not built (frontend/dist): run scripts/build-web.sh"),
    }
    let backend = hcrm_db::Backend::from_url(&config.database_url).name();
    log::info!("HCRM listening on http://{} ({backend})", config.bind);
    let web_dir = config.web_dir.clone();
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(move || hcrm_api::app(state.clone(), web_dir.clone()))
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
