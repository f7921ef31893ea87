//! Where khabar keeps its config and data. Resolution is pure: it reads an [`EnvSnapshot`]
//! captured once in `main`, so tests never mutate the process environment.

use std::path::{Path, PathBuf};

/// What we read from the process environment, captured once at start-up.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot {
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
    /// `$XDG_DATA_HOME`.
    pub xdg_data_home: Option<PathBuf>,
    /// `$KHABAR_CONFIG`: the config file to use.
    pub config_file: Option<PathBuf>,
    /// `$KHABAR_DATA`: the data directory to use.
    pub data_dir: Option<PathBuf>,
}

impl EnvSnapshot {
    /// Reads the variables khabar cares about from the real environment.
    pub fn capture() -> Self {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            home: var("HOME").or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().into())),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            xdg_data_home: var("XDG_DATA_HOME"),
            config_file: var("KHABAR_CONFIG"),
            data_dir: var("KHABAR_DATA"),
        }
    }
}

/// Resolved locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The config file (it may not exist; then the embedded default is used).
    pub config_file: PathBuf,
    /// Whether the config file was named by `--config` or `$KHABAR_CONFIG`: then it must
    /// exist, since a typo would otherwise quietly run on the embedded default.
    pub config_named: bool,
    /// The data directory: the database, the log file and saved articles.
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolves paths: explicit override, then an absolute XDG variable, then `~/.config` and
    /// `~/.local/share` (also on macOS, on purpose: terminal users expect dotfiles there).
    /// A relative XDG value counts as unset, as the XDG spec says.
    pub fn resolve(env: &EnvSnapshot, cli_config: Option<&Path>) -> Self {
        let home = env.home.clone().unwrap_or_else(|| PathBuf::from("."));
        let absolute = |p: &Option<PathBuf>| p.clone().filter(|p| p.is_absolute());
        let config_file = cli_config
            .map(Path::to_path_buf)
            .or_else(|| env.config_file.clone())
            .unwrap_or_else(|| {
                absolute(&env.xdg_config_home)
                    .unwrap_or_else(|| home.join(".config"))
                    .join("khabar")
                    .join("config.toml")
            });
        let data_dir = env.data_dir.clone().unwrap_or_else(|| {
            absolute(&env.xdg_data_home)
                .unwrap_or_else(|| home.join(".local").join("share"))
                .join("khabar")
        });
        Self {
            config_file,
            config_named: cli_config.is_some() || env.config_file.is_some(),
            data_dir,
        }
    }

    /// The SQLite database file.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("khabar.db")
    }

    /// The folder of the user's per-outlet extraction rules, next to the config file.
    pub fn rules_dir(&self) -> PathBuf {
        self.config_file
            .parent()
            .map(|d| d.join("rules"))
            .unwrap_or_else(|| PathBuf::from("rules"))
    }

    /// The log file.
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("khabar.log")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_over_xdg_and_home() {
        let env = EnvSnapshot {
            home: Some("/home/u".into()),
            xdg_config_home: Some("/xdg/config".into()),
            xdg_data_home: Some("/xdg/data".into()),
            config_file: Some("/etc/k.toml".into()),
            data_dir: Some("/var/k".into()),
        };
        let p = Paths::resolve(&env, None);
        assert_eq!(p.config_file, PathBuf::from("/etc/k.toml"));
        assert!(p.config_named);
        assert_eq!(p.data_dir, PathBuf::from("/var/k"));
        let p = Paths::resolve(&env, Some(Path::new("/cli.toml")));
        assert_eq!(p.config_file, PathBuf::from("/cli.toml"));
        assert!(p.config_named);
    }

    #[test]
    fn relative_xdg_values_are_ignored() {
        let env = EnvSnapshot {
            home: Some("/home/u".into()),
            xdg_config_home: Some("rel".into()),
            ..EnvSnapshot::default()
        };
        let p = Paths::resolve(&env, None);
        assert_eq!(
            p.config_file,
            PathBuf::from("/home/u/.config/khabar/config.toml")
        );
        assert!(!p.config_named, "the default location may be absent");
        assert_eq!(p.data_dir, PathBuf::from("/home/u/.local/share/khabar"));
    }
}
