//! A small binary form for what the trainer's cache keeps (see [`super::snapshot`]): LEB128
//! integers, zigzag for signed ones, `f64` as its 8 bytes, and every string interned (written
//! once, then named by its number: account names, node and choice ids, competencies repeat
//! thousands of times in a class). Reading never panics: bytes that end early, a bad tag, a
//! string number not yet seen or text that is not UTF-8 are a [`PackError`].

use std::collections::{BTreeMap, HashMap};

use thiserror::Error;

/// Why bytes could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PackError {
    #[error("the bytes end early")]
    Truncated,
    #[error("not readable: {0}")]
    Invalid(&'static str),
}

/// Writes values (strings interned).
#[derive(Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
    strings: HashMap<String, u64>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    pub fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    pub fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    pub fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    /// A string: `0, length, bytes` the first time, then `1 + its number`.
    pub fn str(&mut self, s: &str) {
        if let Some(&n) = self.strings.get(s) {
            self.u64(n + 1);
            return;
        }
        let n = self.strings.len() as u64;
        self.strings.insert(s.to_owned(), n);
        self.u64(0);
        self.usize(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn opt<T>(&mut self, v: Option<T>, put: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.bool(false),
            Some(v) => {
                self.bool(true);
                put(self, v);
            }
        }
    }

    pub fn opt_str(&mut self, v: Option<&String>) {
        self.opt(v, |w, s| w.str(s));
    }

    pub fn list<T>(&mut self, items: &[T], mut put: impl FnMut(&mut Self, &T)) {
        self.usize(items.len());
        for item in items {
            put(self, item);
        }
    }

    pub fn numbers(&mut self, map: &BTreeMap<String, f64>) {
        self.usize(map.len());
        for (k, v) in map {
            self.str(k);
            self.f64(*v);
        }
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads what a [`Writer`] wrote, in the same order.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    strings: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            strings: Vec::new(),
        }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        let end = self.pos.checked_add(n).ok_or(PackError::Truncated)?;
        let out = self.buf.get(self.pos..end).ok_or(PackError::Truncated)?;
        self.pos = end;
        Ok(out)
    }

    pub fn u64(&mut self) -> Result<u64, PackError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or(PackError::Truncated)?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(PackError::Invalid("integer too long"))
    }

    pub fn usize(&mut self) -> Result<usize, PackError> {
        usize::try_from(self.u64()?).map_err(|_| PackError::Invalid("count too large"))
    }

    pub fn u32(&mut self) -> Result<u32, PackError> {
        u32::try_from(self.u64()?).map_err(|_| PackError::Invalid("number too large"))
    }

    pub fn u8(&mut self) -> Result<u8, PackError> {
        u8::try_from(self.u64()?).map_err(|_| PackError::Invalid("number too large"))
    }

    pub fn i64(&mut self) -> Result<i64, PackError> {
        let v = self.u64()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub fn f64(&mut self) -> Result<f64, PackError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_bits(u64::from_le_bytes(a)))
    }

    pub fn bool(&mut self) -> Result<bool, PackError> {
        match self.bytes(1)? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(PackError::Invalid("not a boolean")),
        }
    }

    pub fn str(&mut self) -> Result<&'a str, PackError> {
        match self.u64()? {
            0 => {
                let len = self.usize()?;
                let text = std::str::from_utf8(self.bytes(len)?)
                    .map_err(|_| PackError::Invalid("text not UTF-8"))?;
                self.strings.push(text);
                Ok(text)
            }
            n => usize::try_from(n - 1)
                .ok()
                .and_then(|i| self.strings.get(i).copied())
                .ok_or(PackError::Invalid("string not yet seen")),
        }
    }

    pub fn string(&mut self) -> Result<String, PackError> {
        self.str().map(str::to_owned)
    }

    pub fn opt<T>(
        &mut self,
        take: impl FnOnce(&mut Self) -> Result<T, PackError>,
    ) -> Result<Option<T>, PackError> {
        if self.bool()? {
            take(self).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, PackError> {
        self.opt(Self::string)
    }

    /// A list; its length is checked against the bytes left (each item takes one at least),
    /// so a damaged length never reserves more than the input's size.
    pub fn list<T>(
        &mut self,
        mut take: impl FnMut(&mut Self) -> Result<T, PackError>,
    ) -> Result<Vec<T>, PackError> {
        let n = self.usize()?;
        if n > self.buf.len() - self.pos {
            return Err(PackError::Truncated);
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(take(self)?);
        }
        Ok(out)
    }

    pub fn numbers(&mut self) -> Result<BTreeMap<String, f64>, PackError> {
        let n = self.usize()?;
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let k = self.string()?;
            let v = self.f64()?;
            out.insert(k, v);
        }
        Ok(out)
    }

    /// Fails unless every byte was read.
    pub fn end(&self) -> Result<(), PackError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(PackError::Invalid("bytes left over"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum V {
        U(u64),
        I(i64),
        F(f64),
        B(bool),
        S(String),
        O(Option<String>),
        L(Vec<String>),
        N(BTreeMap<String, f64>),
    }

    fn value() -> impl Strategy<Value = V> {
        let text = prop_oneof!["[a-c]{0,3}", "\\PC{0,12}"];
        prop_oneof![
            any::<u64>().prop_map(V::U),
            any::<i64>().prop_map(V::I),
            any::<f64>().prop_map(V::F),
            any::<bool>().prop_map(V::B),
            text.clone().prop_map(V::S),
            proptest::option::of(text.clone()).prop_map(V::O),
            proptest::collection::vec(text.clone(), 0..4).prop_map(V::L),
            proptest::collection::btree_map(text, any::<f64>(), 0..3).prop_map(V::N),
        ]
    }

    fn put(w: &mut Writer, v: &V) {
        match v {
            V::U(x) => w.u64(*x),
            V::I(x) => w.i64(*x),
            V::F(x) => w.f64(*x),
            V::B(x) => w.bool(*x),
            V::S(x) => w.str(x),
            V::O(x) => w.opt_str(x.as_ref()),
            V::L(x) => w.list(x, |w, s| w.str(s)),
            V::N(x) => w.numbers(x),
        }
    }

    fn same(r: &mut Reader<'_>, v: &V) -> Result<bool, PackError> {
        Ok(match v {
            V::U(x) => r.u64()? == *x,
            V::I(x) => r.i64()? == *x,
            V::F(x) => r.f64()?.to_bits() == x.to_bits(),
            V::B(x) => r.bool()? == *x,
            V::S(x) => r.str()? == x,
            V::O(x) => r.opt_string()? == *x,
            V::L(x) => r.list(Reader::string)? == *x,
            V::N(x) => {
                let got = r.numbers()?;
                got.len() == x.len()
                    && got
                        .iter()
                        .zip(x)
                        .all(|((a, b), (c, d))| a == c && b.to_bits() == d.to_bits())
            }
        })
    }

    proptest! {
        // Guards the codec: any sequence of values (repeated strings named by number) reads
        // back exactly, to the last byte.
        #[test]
        fn values_read_back(values in proptest::collection::vec(value(), 0..40)) {
            let mut w = Writer::new();
            for v in &values {
                put(&mut w, v);
            }
            let bytes = w.finish();
            let mut r = Reader::new(&bytes);
            for v in &values {
                prop_assert!(same(&mut r, v).expect("reads back"));
            }
            prop_assert!(r.end().is_ok());
        }

        // Guards reading damaged bytes: any bytes are an error or values, never a panic or an
        // allocation beyond the input.
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut r = Reader::new(&bytes);
            while r.list(|r| r.opt(Reader::string)).is_ok() && r.numbers().is_ok() {}
            prop_assert!(r.pos <= bytes.len());
        }
    }

    // Guards the limits: an integer of more than 64 bits, a string number not yet seen and
    // a list longer than the bytes left are errors.
    #[test]
    fn damaged_forms_are_errors() {
        let mut r = Reader::new(&[0xff; 11]);
        assert_eq!(r.u64(), Err(PackError::Invalid("integer too long")));
        let mut r = Reader::new(&[3]);
        assert_eq!(r.str(), Err(PackError::Invalid("string not yet seen")));
        let mut r = Reader::new(&[0x80, 0x80, 0x04]);
        assert_eq!(r.list(Reader::bool), Err(PackError::Truncated));
        let mut r = Reader::new(&[0, 2, 0xc3, 0x28]);
        assert_eq!(r.str(), Err(PackError::Invalid("text not UTF-8")));
    }
}
