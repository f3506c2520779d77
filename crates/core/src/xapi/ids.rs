//! Statement ids and registrations: the [`StatementSlot`] an id source is asked about, the
//! derived (stable, idempotent) ids, and UUID normalisation.

use uuid::Uuid;

/// The place of a statement in the mapping, handed to the id source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementSlot<'a> {
    /// The attempt id (= registration).
    pub registration: &'a str,
    /// Sequence number of the event.
    pub seq: u32,
    /// Place of the statement among those of its event (0-based).
    pub index: u32,
    pub verb: &'static str,
}

/// A statement id derived from (registration, seq, index): a version 8 (custom) UUID over a
/// 128-bit FNV-1a hash. Unique as long as attempt ids are; stable across re-mappings.
pub fn derived_id(slot: &StatementSlot<'_>) -> String {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    let mut h = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    };
    feed(b"boiduong/xapi/statement\0");
    feed(slot.registration.as_bytes());
    feed(b"\0");
    feed(&slot.seq.to_be_bytes());
    feed(&slot.index.to_be_bytes());
    // FNV only carries changes upwards; fold the high half back so every input bit reaches
    // the low bytes too.
    for _ in 0..2 {
        h ^= h >> 64;
        h = h.wrapping_mul(PRIME);
    }
    uuid::Builder::from_custom_bytes(h.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// An RFC 4122/9562 UUID in the hyphenated lower-case form the spec and validators expect.
pub(super) fn normalize_uuid(s: &str) -> Option<String> {
    let u = Uuid::try_parse(s).ok()?;
    (u.get_variant() == uuid::Variant::RFC4122).then(|| u.hyphenated().to_string())
}
