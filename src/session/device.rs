//! What a device keeps of a sign-in: a remembered learner credential ("remember me") and a
//! password verifier.
//!
//! **Remembered credential.** The account and password are sealed (AES-GCM) with a random
//! device key made for it, which IndexedDB keeps as a non-exportable `CryptoKey`; the sealed
//! bytes and nothing else are in localStorage (`boiduong.remember`), and they carry their
//! expiry inside the seal (so it cannot be pushed back). A trainer's credential is never
//! remembered. What this protects: the password is never readable in localStorage (by a
//! storage dump, a backup, an extension reading storage, or someone copying the value to
//! another browser: without this profile's key it opens nothing), and it stops working after
//! the configured days. What it does not: code running in the portal's own origin can still
//! ask the browser to decrypt with the stored key, and someone holding the browser profile's
//! files can read the key material Chromium writes inside its IndexedDB files. It keeps
//! the password off casual view and bounds its life; it is not a vault.
//!
//! **Verifier.** After the LRS accepted a password, a salted PBKDF2 hash of it is kept per
//! account (`verifier:<account>`, deleted with the account's records), so a sign-in made
//! offline to an account that has records on the device must give that password; without
//! it, whoever knows an account name could open its records offline.

use serde_json::{json, Value};

use crate::crypto::{self, Sealed};
use crate::error::AppError;
use crate::net::lrs::Credentials;
use crate::platform::prefs;
use crate::storage::Storage;

/// localStorage key of the sealed credential.
pub const REMEMBER_KEY: &str = "boiduong.remember";
/// Id of the device key in the `keys` store.
const DEVICE_KEY: &str = "remember";
const REMEMBER_FORMAT: u64 = 1;
const DAY_MS: i64 = 86_400_000;

/// Seals `credentials` with a new device key and keeps them for `days` from `now_ms`.
pub async fn remember(
    storage: &Storage,
    credentials: &Credentials,
    now_ms: i64,
    days: u32,
) -> Result<(), AppError> {
    let key = crypto::device_key().await?;
    let plain = json!({
        "account": credentials.account,
        "password": credentials.password,
        "expires_ms": now_ms + i64::from(days) * DAY_MS,
    })
    .to_string();
    let sealed = crypto::seal(&key, plain.as_bytes()).await?;
    storage.put_key(DEVICE_KEY, &key).await?;
    let blob = json!({
        "v": REMEMBER_FORMAT,
        "iv": crypto::to_hex(&sealed.iv),
        "data": crypto::to_hex(&sealed.data),
    });
    prefs::set(REMEMBER_KEY, &blob.to_string())
}

/// The remembered credential, if one is kept, opens with this device's key and has not
/// expired at `now_ms`. An expired or unreadable one is forgotten.
pub async fn remembered(storage: &Storage, now_ms: i64) -> Option<Credentials> {
    let text = prefs::get(REMEMBER_KEY)?;
    let found = open_remembered(storage, &text, now_ms).await;
    if found.is_none() {
        forget(storage).await;
    }
    found
}

async fn open_remembered(storage: &Storage, text: &str, now_ms: i64) -> Option<Credentials> {
    let blob: Value = serde_json::from_str(text).ok()?;
    if blob.get("v")?.as_u64()? != REMEMBER_FORMAT {
        return None;
    }
    let sealed = Sealed {
        iv: crypto::from_hex(blob.get("iv")?.as_str()?)?,
        data: crypto::from_hex(blob.get("data")?.as_str()?)?,
    };
    let key = storage.key(DEVICE_KEY).await.ok()??;
    let plain = crypto::open(&key, &sealed).await.ok()?;
    let v: Value = serde_json::from_slice(&plain).ok()?;
    if v.get("expires_ms")?.as_i64()? <= now_ms {
        return None;
    }
    Some(Credentials {
        account: v.get("account")?.as_str()?.to_owned(),
        password: v.get("password")?.as_str()?.to_owned(),
    })
}

/// Forgets the remembered credential: the sealed bytes and the key that opens them.
pub async fn forget(storage: &Storage) {
    prefs::remove(REMEMBER_KEY);
    let _ = storage.delete_key(DEVICE_KEY).await;
}

/// Forgets the sealed bytes at once (no storage at hand; the key goes with the next
/// [`forget`] or sign-out).
pub fn forget_now() {
    prefs::remove(REMEMBER_KEY);
}

fn verifier_key(account: &str) -> String {
    format!("verifier:{account}")
}

/// Keeps a verifier of the password the LRS just accepted for `credentials.account`.
pub async fn keep_verifier(storage: &Storage, credentials: &Credentials) -> Result<(), AppError> {
    let salt = crypto::random_bytes(crypto::SALT_BYTES)?;
    let hash = crypto::password_hash(&credentials.password, &salt, crypto::PBKDF2_ROUNDS).await?;
    let value = json!({
        "salt": crypto::to_hex(&salt),
        "rounds": crypto::PBKDF2_ROUNDS,
        "hash": crypto::to_hex(&hash),
    });
    storage
        .set_meta(&verifier_key(&credentials.account), &value)
        .await
}

/// Whether `credentials` match the account's verifier: `None` when it has none.
pub async fn check_verifier(storage: &Storage, credentials: &Credentials) -> Option<bool> {
    let v = storage
        .meta(&verifier_key(&credentials.account))
        .await
        .ok()??;
    let (Some(salt), Some(hash), Some(rounds)) = (
        v.get("salt")
            .and_then(Value::as_str)
            .and_then(crypto::from_hex),
        v.get("hash")
            .and_then(Value::as_str)
            .and_then(crypto::from_hex),
        v.get("rounds")
            .and_then(Value::as_u64)
            .and_then(|r| u32::try_from(r).ok()),
    ) else {
        // Unreadable: treated as a mismatch (the LRS decides once online).
        return Some(false);
    };
    let given = crypto::password_hash(&credentials.password, &salt, rounds)
        .await
        .ok()?;
    Some(crypto::same_bytes(&given, &hash))
}
