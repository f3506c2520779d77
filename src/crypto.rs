//! WebCrypto (SubtleCrypto) adapter: AES-GCM keys that cannot be exported, keys derived from
//! a password (PBKDF2-SHA-256), sealing and opening bytes, password verifiers.
//!
//! Two uses: a remembered learner credential is sealed with a random device key kept in
//! IndexedDB (a `CryptoKey` is stored as is and cannot be exported), and the trainer's class
//! cache is sealed with a key derived from the trainer's password, which only exists in memory
//! while they are signed in. A verifier (a salted PBKDF2 hash) lets an offline sign-in to an
//! account that has records on the device be checked against the last password the LRS
//! accepted.

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::error::AppError;

/// PBKDF2 rounds (OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000; this is the
/// browser-side compromise: about a quarter of a second on an office PC).
pub const PBKDF2_ROUNDS: u32 = 310_000;
const IV_BYTES: usize = 12;
pub const SALT_BYTES: usize = 16;

/// Bytes sealed with AES-GCM: a fresh 96-bit nonce and the ciphertext (with its tag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub iv: Vec<u8>,
    pub data: Vec<u8>,
}

fn fail(what: &str, e: JsValue) -> AppError {
    let name = e
        .dyn_ref::<web_sys::DomException>()
        .map(|d| d.name())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "error".into());
    AppError::Crypto(format!("{what}: {name}"))
}

fn subtle() -> Result<SubtleCrypto, AppError> {
    let crypto = web_sys::window()
        .ok_or_else(|| AppError::Crypto("no window".into()))?
        .crypto()
        .map_err(|e| fail("crypto", e))?;
    Ok(crypto.subtle())
}

/// `n` bytes from the browser's CSPRNG.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, AppError> {
    let mut bytes = vec![0u8; n];
    web_sys::window()
        .ok_or_else(|| AppError::Crypto("no window".into()))?
        .crypto()
        .map_err(|e| fail("crypto", e))?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| fail("random", e))?;
    Ok(bytes)
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

async fn await_promise(
    what: &str,
    promise: Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, AppError> {
    let promise = promise.map_err(|e| fail(what, e))?;
    JsFuture::from(promise).await.map_err(|e| fail(what, e))
}

fn to_key(what: &str, value: JsValue) -> Result<CryptoKey, AppError> {
    value
        .dyn_into::<CryptoKey>()
        .map_err(|_| AppError::Crypto(format!("{what}: not a key")))
}

/// A new random AES-GCM 256 key that cannot be exported (kept in IndexedDB as a `CryptoKey`).
pub async fn device_key() -> Result<CryptoKey, AppError> {
    let params = web_sys::AesKeyGenParams::new("AES-GCM", 256);
    let key = await_promise(
        "generate key",
        subtle()?.generate_key_with_object(&params, false, &usages(&["encrypt", "decrypt"])),
    )
    .await?;
    to_key("generate key", key)
}

async fn password_material(password: &str) -> Result<CryptoKey, AppError> {
    let raw = Uint8Array::from(password.as_bytes());
    let key = await_promise(
        "import password",
        subtle()?.import_key_with_str(
            "raw",
            &raw,
            "PBKDF2",
            false,
            &usages(&["deriveKey", "deriveBits"]),
        ),
    )
    .await?;
    to_key("import password", key)
}

fn pbkdf2(salt: &[u8], rounds: u32) -> web_sys::Pbkdf2Params {
    web_sys::Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", rounds, &Uint8Array::from(salt))
}

/// An AES-GCM 256 key derived from `password` and `salt` (PBKDF2-SHA-256), not exportable.
pub async fn password_key(password: &str, salt: &[u8]) -> Result<CryptoKey, AppError> {
    let base = password_material(password).await?;
    let target = web_sys::AesDerivedKeyParams::new("AES-GCM", 256);
    let key = await_promise(
        "derive key",
        subtle()?.derive_key_with_object_and_object(
            &pbkdf2(salt, PBKDF2_ROUNDS),
            &base,
            &target,
            false,
            &usages(&["encrypt", "decrypt"]),
        ),
    )
    .await?;
    to_key("derive key", key)
}

/// 256 bits derived from `password` and `salt` (PBKDF2-SHA-256, `rounds`): a verifier.
pub async fn password_hash(password: &str, salt: &[u8], rounds: u32) -> Result<Vec<u8>, AppError> {
    let base = password_material(password).await?;
    let bits = await_promise(
        "derive bits",
        subtle()?.derive_bits_with_object(&pbkdf2(salt, rounds), &base, 256),
    )
    .await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Seals `plain` with `key` (AES-GCM, a fresh random nonce).
pub async fn seal(key: &CryptoKey, plain: &[u8]) -> Result<Sealed, AppError> {
    let iv = random_bytes(IV_BYTES)?;
    let params = web_sys::AesGcmParams::new("AES-GCM", &Uint8Array::from(iv.as_slice()));
    let out = await_promise(
        "encrypt",
        subtle()?.encrypt_with_object_and_u8_array(&params, key, plain),
    )
    .await?;
    Ok(Sealed {
        iv,
        data: Uint8Array::new(&out).to_vec(),
    })
}

/// Opens what [`seal`] sealed; fails (`AppError::Crypto`) with another key or altered bytes.
pub async fn open(key: &CryptoKey, sealed: &Sealed) -> Result<Vec<u8>, AppError> {
    let params = web_sys::AesGcmParams::new("AES-GCM", &Uint8Array::from(sealed.iv.as_slice()));
    let out = await_promise(
        "decrypt",
        subtle()?.decrypt_with_object_and_u8_array(&params, key, &sealed.data),
    )
    .await?;
    Ok(Uint8Array::new(&out).to_vec())
}

/// Whether the browser lets a key's raw bytes be read (never, for the keys made here).
pub async fn is_exportable(key: &CryptoKey) -> bool {
    match subtle() {
        Ok(s) => await_promise("export", s.export_key("raw", key))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// Lowercase hex of `bytes` (salts and verifiers in JSON records).
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of lowercase or uppercase hex; `None` when it is not hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Compares two byte strings without stopping at the first difference.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key as a JS value, to store it in IndexedDB as is (structured clone keeps it usable and
/// unexportable).
pub fn key_value(key: &CryptoKey) -> JsValue {
    key.clone().into()
}

/// A stored key read back; `None` if the value is not a key.
pub fn key_from(value: JsValue) -> Option<CryptoKey> {
    value.dyn_into::<CryptoKey>().ok()
}

/// An object `{k: v, ...}` of JS values (raw IndexedDB records holding keys or bytes).
pub fn object(entries: &[(&str, JsValue)]) -> Result<Object, AppError> {
    let obj = Object::new();
    for (k, v) in entries {
        js_sys::Reflect::set(&obj, &JsValue::from_str(k), v)
            .map_err(|_| AppError::Storage("cannot build record".into()))?;
    }
    Ok(obj)
}
