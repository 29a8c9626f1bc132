//! The command line: `serve`, `token create|list|revoke`, `import communes|places`,
//! `export places`, `generate`.

mod demo;
mod export;
mod generate;
mod geocode;
mod import;
mod migrate;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::api::{self, AppState};
use crate::auth::{Actor, Role};
use crate::registry::Registry;
use crate::store;

/// The default store: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:diachiso.sqlite";

#[derive(Debug, Parser)]
#[command(
    name = "diachiso",
    version,
    about = "Digital address and location registry of Hưng Yên province"
)]
struct Cli {
    /// Where the registry is stored: sqlite:PATH (default: an SQLite file in the working
    /// directory) or postgres://USER@HOST:PORT/DB (PostgreSQL + PostGIS).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// How often to apply changes committed by other processes on the same database
        /// (other nodes, command-line imports), in milliseconds; 0 turns it off.
        #[arg(long, default_value_t = 250)]
        sync_interval_ms: u64,
        /// Privacy threshold of the population map: no area with fewer residents (or
        /// households) is shown to anyone but population analysts.
        #[arg(long, env = "DIACHISO_PRIVACY_K", default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=1000))]
        privacy_k: u64,
        /// Public population figures are rounded to a multiple of this.
        #[arg(long, env = "DIACHISO_PRIVACY_ROUND", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
        privacy_round: u64,
        /// On an empty store, first load this many generated demo places (with streets and
        /// resident counts, all labelled generated); `--demo` alone loads 20000.
        #[arg(long, num_args = 0..=1, default_missing_value = "20000")]
        demo: Option<usize>,
        /// Web origins allowed to call the API from a browser (CORS), comma-separated, e.g.
        /// `https://gis.hungyen.gov.vn`; `*` for any. None by default.
        #[arg(long, env = "DIACHISO_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        /// Requests per second and burst allowed per client address (`200,1000`), or `off`
        /// (load benchmarks). Exports, uploads, large pages and the population map cost more;
        /// a refused token costs 20.
        #[arg(long, env = "DIACHISO_RATE_LIMIT", default_value = "200,1000", value_parser = parse_rate_limit)]
        rate_limit: RateLimit,
        /// Seconds a request may take until its answer starts (uploads: 600).
        #[arg(long, env = "DIACHISO_REQUEST_DEADLINE", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        request_deadline: u64,
        /// Requests served at once; more are answered 503 with Retry-After.
        #[arg(long, env = "DIACHISO_MAX_IN_FLIGHT", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        max_in_flight: u64,
        /// The address of a reverse proxy in front: its `X-Forwarded-For` names the client for
        /// rate limits.
        #[arg(long, env = "DIACHISO_TRUSTED_PROXY")]
        trusted_proxy: Option<std::net::IpAddr>,
    },
    /// Load generated demo data (places, streets, resident counts) into an empty store.
    Demo {
        /// How many places.
        #[arg(long, default_value_t = 20_000)]
        places: usize,
        /// Seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data (streamed).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Generate labelled demo data inside the real commune boundaries.
    Generate(generate::GenerateArgs),
    /// Match a CSV file of written addresses to location codes (adds code, full_address,
    /// commune_code, match_level and score to every row).
    Geocode(geocode::GeocodeArgs),
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Export places as GeoJSON, newline-delimited GeoJSON or CSV.
    Places(export::ExportArgs),
    /// Export the whole registry (communes, places, the event log) to move it to another store.
    Registry(migrate::ExportRegistryArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it (once; only its hash is stored).
    Create(TokenCreate),
    /// List tokens (without secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
struct TokenCreate {
    /// reader, editor, reviewer or admin.
    #[arg(long)]
    role: String,
    /// Comma-separated commune codes an editor may write in.
    #[arg(long, value_delimiter = ',')]
    communes: Vec<String>,
    /// Who holds the token, e.g. "UBND phường Phố Hiến".
    #[arg(long)]
    name: String,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Load commune boundaries from a GeoJSON FeatureCollection (code, name properties).
    Communes { file: std::path::PathBuf },
    /// Import places from GeoJSON, newline-delimited GeoJSON or CSV, in resumable batches.
    Places(import::ImportArgs),
    /// Restore a `diachiso export registry` file into an empty store, keeping every code,
    /// status, timestamp and event.
    Registry(migrate::ImportRegistryArgs),
    /// Import a snapshot of resident counts (CSV: code,residents,households), validated whole
    /// and saved in one transaction.
    Residents {
        file: std::path::PathBuf,
        /// The export's date, YYYY-MM-DD.
        #[arg(long)]
        as_of: chrono::NaiveDate,
        /// Where the file comes from (default: its name).
        #[arg(long)]
        source: Option<String>,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DIACHISO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open_registry(database_url: &str) -> anyhow::Result<Arc<Registry>> {
    let store = store::open(database_url).await?;
    Ok(Arc::new(Registry::open(store).await?))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            bind,
            sync_interval_ms,
            privacy_k,
            privacy_round,
            demo: demo_places,
            cors_origins,
            rate_limit,
            request_deadline,
            max_in_flight,
            trusted_proxy,
        } => {
            let public = api::PublicSettings {
                cors_origins,
                request_deadline: std::time::Duration::from_secs(request_deadline),
                max_in_flight: usize::try_from(max_in_flight).unwrap_or(usize::MAX),
                rate: rate_limit.0,
                trusted_proxy,
            };
            let registry = open_registry(&cli.database_url).await?;
            if let Some(n) = demo_places {
                if registry.place_count() == 0 {
                    demo::load(&registry, n, 1).await?;
                }
            }
            registry.set_privacy_rule(crate::population::PrivacyRule {
                k: privacy_k,
                round_to: privacy_round,
            });
            // Pushed wake-ups where the store has them (PostgreSQL LISTEN/NOTIFY)...
            if let Some(mut wake) = registry.subscribe().await? {
                let registry = registry.clone();
                tokio::spawn(async move {
                    while wake.recv().await.is_some() {
                        if let Err(e) = registry.catch_up().await {
                            tracing::warn!(error = %e, "catching up with the event log failed");
                        }
                    }
                });
            }
            // ...and polling everywhere, which also covers notifications lost in a reconnect.
            if sync_interval_ms > 0 {
                let registry = registry.clone();
                tokio::spawn(async move {
                    let mut tick =
                        tokio::time::interval(std::time::Duration::from_millis(sync_interval_ms));
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        tick.tick().await;
                        if let Err(e) = registry.catch_up().await {
                            // The store may be unreachable for a while; the next tick resumes
                            // from the last applied event, so nothing is missed.
                            tracing::warn!(error = %e, "catching up with the event log failed");
                        }
                    }
                });
            }
            let listener = tokio::net::TcpListener::bind(bind).await?;
            // The one line on stdout: scripts and tests that bind port 0 read the address here.
            println!("listening on http://{}", listener.local_addr()?);
            tracing::info!(
                address = %listener.local_addr()?,
                store = registry.stats().await?.store,
                communes = registry.communes().len(),
                places = registry.place_count(),
                "diachiso is serving"
            );
            api::serve(listener, AppState::new(registry, public)).await?;
        }
        Command::Token(TokenCommand::Create(t)) => {
            let registry = open_registry(&cli.database_url).await?;
            let role = Role::parse(&t.role).ok_or_else(|| {
                anyhow::anyhow!("--role must be reader, editor, reviewer, admin, payment_platform, population_sync or population_analyst")
            })?;
            let made = registry
                .create_token(&Actor::Local, role, &t.communes, &t.name)
                .await?;
            let (info, token) = (made.info, made.secret);
            eprintln!(
                "created token {} ({}) for {:?}; it is shown once:",
                info.id,
                role.as_str(),
                info.name
            );
            println!("{token}");
        }
        Command::Token(TokenCommand::List) => {
            let registry = open_registry(&cli.database_url).await?;
            for t in registry.tokens(&Actor::Local).await? {
                println!("{}", serde_json::to_string(&t)?);
            }
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            let registry = open_registry(&cli.database_url).await?;
            registry.revoke_token(&Actor::Local, id).await?;
            eprintln!("revoked token {id}");
        }
        Command::Import(ImportCommand::Communes { file }) => {
            let registry = open_registry(&cli.database_url).await?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let communes = crate::commune::load(&text)?;
            let n = registry.import_communes(communes).await?;
            eprintln!(
                "imported {n} communes; {} loaded in all",
                registry.communes().len()
            );
        }
        Command::Import(ImportCommand::Places(args)) => {
            let registry = open_registry(&cli.database_url).await?;
            import::run(&registry, args).await?;
        }
        Command::Export(ExportCommand::Places(args)) => {
            let registry = open_registry(&cli.database_url).await?;
            export::run(&registry, args).await?;
        }
        Command::Geocode(args) => {
            let registry = open_registry(&cli.database_url).await?;
            tokio::task::block_in_place(|| geocode::run(&registry, args))?;
        }
        Command::Export(ExportCommand::Registry(args)) => {
            let registry = open_registry(&cli.database_url).await?;
            migrate::export(&registry, args).await?;
        }
        Command::Import(ImportCommand::Residents {
            file,
            as_of,
            source,
        }) => {
            let registry = open_registry(&cli.database_url).await?;
            let reader = std::fs::File::open(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let rows = match crate::population::parse_counts_csv(std::io::BufReader::new(reader)) {
                Ok(rows) => rows,
                Err(errors) => {
                    for e in errors.iter().take(50) {
                        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
                    }
                    anyhow::bail!("{} invalid line(s); nothing was imported", errors.len());
                }
            };
            let source = source.unwrap_or_else(|| file.display().to_string());
            match registry
                .import_residents(&crate::auth::Actor::Local, as_of, &source, rows, false)
                .await
            {
                Ok(s) => eprintln!(
                    "snapshot {} as of {}: {} addresses, {} residents, {} households",
                    s.id, s.as_of, s.addresses, s.residents, s.households
                ),
                Err(crate::registry::RegistryError::Rows(errors)) => {
                    for e in errors.iter().take(50) {
                        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
                    }
                    anyhow::bail!("{} invalid line(s); nothing was imported", errors.len());
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Import(ImportCommand::Registry(args)) => {
            let registry = open_registry(&cli.database_url).await?;
            migrate::import(&registry, args).await?;
        }
        Command::Generate(args) => generate::run(args)?,
        Command::Demo { places, seed } => {
            let registry = open_registry(&cli.database_url).await?;
            demo::load(&registry, places, seed).await?;
        }
    }
    Ok(())
}

/// `--rate-limit`: requests per second and burst, or off.
#[derive(Debug, Clone, Copy)]
struct RateLimit(Option<(f64, f64)>);

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(RateLimit(None));
    }
    let mut parts = s.split(',').map(|p| p.trim().parse::<f64>());
    let rate = parts.next().and_then(Result::ok);
    let burst = match parts.next() {
        None => rate.map(|r| r * 5.0),
        Some(b) => b.ok(),
    };
    match (rate, burst, parts.next()) {
        (Some(r), Some(b), None) if r > 0.0 && b >= 1.0 && r.is_finite() && b.is_finite() => {
            Ok(RateLimit(Some((r, b))))
        }
        _ => Err("RATE[,BURST] (requests per second, burst) or off, e.g. 200,1000".into()),
    }
}
