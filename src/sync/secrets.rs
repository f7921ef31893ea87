//! An account's password (from a program, an environment variable or the config) and the keys
//! a service hands out, kept in the data directory with mode 0600. Neither is ever logged or
//! put in an error message.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::SyncError;
use crate::config::AccountConfig;

/// The account's password: the first line `password_command` prints, else `password_env`'s
/// value, else `password`. Runs a program, so call it off the async threads.
pub fn password(account: &AccountConfig) -> Result<String, SyncError> {
    if let Some((program, args)) = account.password_command.split_first() {
        let output = std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            // Never onto the terminal: the reader may own it.
            .stderr(std::process::Stdio::null())
            .output()
            .map_err(|e| SyncError::Password(format!("cannot run `{program}`: {e}")))?;
        if !output.status.success() {
            return Err(SyncError::Password(format!(
                "`{program}` failed ({})",
                output.status
            )));
        }
        let text = String::from_utf8(output.stdout)
            .map_err(|_| SyncError::Password(format!("`{program}` printed no UTF-8 text")))?;
        let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if first.is_empty() {
            return Err(SyncError::Password(format!("`{program}` printed nothing")));
        }
        return Ok(first.to_string());
    }
    if let Some(var) = &account.password_env {
        return std::env::var(var).map_err(|_| {
            SyncError::Password(format!("the environment variable {var} is not set"))
        });
    }
    account
        .password
        .clone()
        .ok_or_else(|| SyncError::Password("the account names no password".into()))
}

/// A key a service handed out, with the account it was issued for: a changed URL or user
/// makes it unusable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredToken {
    url: String,
    user: String,
    token: String,
}

/// Keys handed out by services, one file per account under `DATA/sync/`.
#[derive(Debug, Clone)]
pub struct TokenStore {
    dir: PathBuf,
}

impl TokenStore {
    /// Tokens under `data_dir/sync`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("sync"),
        }
    }

    /// Where `account`'s token is kept.
    pub fn path(&self, account: &AccountConfig) -> PathBuf {
        self.dir.join(format!(
            "{}.token",
            crate::text::slug(&account.name, 60).replace('/', "_")
        ))
    }

    /// The token kept for `account`, if it was issued for its current URL and user.
    pub fn load(&self, account: &AccountConfig) -> Option<String> {
        let text = std::fs::read_to_string(self.path(account)).ok()?;
        let stored: StoredToken = serde_json::from_str(&text).ok()?;
        (stored.url == account.url && stored.user == account.user).then_some(stored.token)
    }

    /// Keeps `token` for `account`, readable by the user only.
    pub fn save(&self, account: &AccountConfig, token: &str) -> Result<(), std::io::Error> {
        let stored = StoredToken {
            url: account.url.clone(),
            user: account.user.clone(),
            token: token.to_string(),
        };
        let text = serde_json::to_string(&stored).map_err(std::io::Error::other)?;
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(account);
        let tmp = path.with_extension("token.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        {
            let mut file = options.open(&tmp)?;
            std::io::Write::write_all(&mut file, text.as_bytes())?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, &path)
    }

    /// Forgets `account`'s token (the service refused it).
    pub fn forget(&self, account: &AccountConfig) {
        let _ = std::fs::remove_file(self.path(account));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AccountKind;

    fn account() -> AccountConfig {
        AccountConfig {
            name: "home".into(),
            kind: AccountKind::Fever,
            url: "http://127.0.0.1:1/fever/".into(),
            user: "me".into(),
            password_command: Vec::new(),
            password_env: None,
            password: None,
            tab: "world".into(),
        }
    }

    #[test]
    fn the_password_comes_from_the_first_line_of_the_command() {
        let mut a = account();
        a.password_command = vec!["printf".into(), "s3cret\\nsecond line\\n".into()];
        assert_eq!(password(&a).unwrap(), "s3cret");
        a.password_command = vec!["false".into()];
        let err = password(&a).unwrap_err().to_string();
        assert!(err.contains("`false` failed"), "{err}");
        a.password_command = Vec::new();
        a.password_env = Some("KHABAR_TEST_SURELY_UNSET_VAR".into());
        let err = password(&a).unwrap_err().to_string();
        assert!(
            err.contains("KHABAR_TEST_SURELY_UNSET_VAR is not set"),
            "{err}"
        );
        a.password_env = None;
        a.password = Some("clear".into());
        assert_eq!(password(&a).unwrap(), "clear");
    }

    #[test]
    fn tokens_are_private_files_tied_to_the_account() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = TokenStore::new(dir.path());
        let mut a = account();
        assert_eq!(tokens.load(&a), None);
        tokens.save(&a, "abc123").unwrap();
        assert_eq!(tokens.load(&a).as_deref(), Some("abc123"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tokens.path(&a))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        a.user = "someone else".into();
        assert_eq!(tokens.load(&a), None, "issued for another user");
        a.user = "me".into();
        tokens.forget(&a);
        assert_eq!(tokens.load(&a), None);
    }
}
