//! Reading TL values from untrusted bytes, without panicking.

use crate::serialize::{BOOL_FALSE_ID, BOOL_TRUE_ID, VECTOR_ID};
use std::fmt;

/// How deeply boxed values may nest before decoding gives up with
/// [`DeserializeErrorKind::TooDeep`]. Real Telegram objects nest about 20 deep.
pub const MAX_DEPTH: u32 = 128;

/// Why a TL decode failed, where, and inside which constructor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeserializeError {
    /// What went wrong.
    pub kind: DeserializeErrorKind,
    /// The byte offset in the input where it went wrong.
    pub offset: usize,
    /// The innermost constructor (or function) being decoded, if any.
    pub constructor_id: Option<u32>,
}

/// What went wrong while decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeserializeErrorKind {
    /// The input ended `needed` bytes too early.
    UnexpectedEof {
        /// How many more bytes the next read needed.
        needed: usize,
    },
    /// A constructor id that is not a constructor of the expected type.
    UnknownConstructor {
        /// The id read.
        id: u32,
        /// The TL type that was expected (`InputPeer`, `Object` for any).
        expected: &'static str,
    },
    /// A `Bool` that is neither `boolTrue` nor `boolFalse`.
    InvalidBool(u32),
    /// A `bytes`/`string` length prefix of 255, which TL never writes.
    InvalidLengthPrefix(u8),
    /// A vector count that is negative or larger than the remaining input could hold.
    VectorTooLong {
        /// The count read.
        count: i64,
    },
    /// A boxed vector whose id is not `vector#1cb5c415`.
    NotAVector(u32),
    /// Values nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A complete value was read but bytes were left over.
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

impl DeserializeError {
    /// Records `id` as the constructor being decoded, unless an inner one already is.
    #[inline]
    #[must_use]
    pub fn in_constructor(mut self, id: u32) -> Self {
        if self.constructor_id.is_none() {
            self.constructor_id = Some(id);
        }
        self
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DeserializeErrorKind::UnexpectedEof { needed } => {
                write!(f, "input ends {needed} byte(s) too early")?
            }
            DeserializeErrorKind::UnknownConstructor { id, expected } => {
                write!(f, "unknown constructor {id:#010x} for type {expected}")?
            }
            DeserializeErrorKind::InvalidBool(id) => write!(f, "invalid Bool {id:#010x}")?,
            DeserializeErrorKind::InvalidLengthPrefix(b) => write!(f, "invalid length prefix {b}")?,
            DeserializeErrorKind::VectorTooLong { count } => {
                write!(f, "vector count {count} exceeds what the input can hold")?
            }
            DeserializeErrorKind::NotAVector(id) => {
                write!(f, "expected a vector, found {id:#010x}")?
            }
            DeserializeErrorKind::TooDeep => write!(f, "values nested deeper than {MAX_DEPTH}")?,
            DeserializeErrorKind::TrailingBytes { count } => {
                write!(f, "{count} unexpected byte(s) after the value")?
            }
        }
        write!(f, " at offset {}", self.offset)?;
        if let Some(id) = self.constructor_id {
            write!(f, " in constructor {id:#010x}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DeserializeError {}

/// A cursor over untrusted input. Every read is bounds-checked.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    #[inline]
    pub fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            depth: 0,
        }
    }

    /// The current offset.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// An error of `kind` at `offset`.
    #[cold]
    pub fn error_at(&self, kind: DeserializeErrorKind, offset: usize) -> DeserializeError {
        DeserializeError {
            kind,
            offset,
            constructor_id: None,
        }
    }

    /// An error of `kind` at the current offset.
    #[cold]
    pub fn error(&self, kind: DeserializeErrorKind) -> DeserializeError {
        self.error_at(kind, self.pos)
    }

    /// Takes the next `n` bytes.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DeserializeError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| Some((end, self.buf.get(self.pos..end)?))) {
            Some((end, s)) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(self.error(DeserializeErrorKind::UnexpectedEof {
                needed: n.saturating_sub(self.buf.len().saturating_sub(self.pos)),
            })),
        }
    }

    /// Takes everything left.
    #[inline]
    pub fn take_rest(&mut self) -> &'a [u8] {
        let rest = self.remaining();
        self.pos = self.buf.len();
        rest
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], DeserializeError> {
        let s = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    /// Reads a little-endian `u32` (constructor ids, flags).
    #[inline]
    pub fn read_u32(&mut self) -> Result<u32, DeserializeError> {
        self.array().map(u32::from_le_bytes)
    }

    /// Reads TL `int`.
    #[inline]
    pub fn read_i32(&mut self) -> Result<i32, DeserializeError> {
        self.array().map(i32::from_le_bytes)
    }

    /// Reads TL `long`.
    #[inline]
    pub fn read_i64(&mut self) -> Result<i64, DeserializeError> {
        self.array().map(i64::from_le_bytes)
    }

    /// Reads TL `double`.
    #[inline]
    pub fn read_f64(&mut self) -> Result<f64, DeserializeError> {
        self.array().map(f64::from_le_bytes)
    }

    /// Reads TL `int128`.
    #[inline]
    pub fn read_int128(&mut self) -> Result<[u8; 16], DeserializeError> {
        self.array()
    }

    /// Reads TL `int256`.
    #[inline]
    pub fn read_int256(&mut self) -> Result<[u8; 32], DeserializeError> {
        self.array()
    }

    /// Reads boxed `Bool`.
    #[inline]
    pub fn read_bool(&mut self) -> Result<bool, DeserializeError> {
        let start = self.pos;
        match self.read_u32()? {
            BOOL_TRUE_ID => Ok(true),
            BOOL_FALSE_ID => Ok(false),
            other => Err(self.error_at(DeserializeErrorKind::InvalidBool(other), start)),
        }
    }

    /// Reads TL `bytes` as a borrowed slice (padding skipped, not checked).
    pub fn read_bytes_ref(&mut self) -> Result<&'a [u8], DeserializeError> {
        let start = self.pos;
        let [first] = self.array::<1>()?;
        let (len, header): (usize, usize) = match first {
            254 => {
                let [a, b, c] = self.array::<3>()?;
                (
                    usize::from(a) | usize::from(b) << 8 | usize::from(c) << 16,
                    4,
                )
            }
            255 => return Err(self.error_at(DeserializeErrorKind::InvalidLengthPrefix(255), start)),
            n => (usize::from(n), 1),
        };
        let data = self.take(len)?;
        // To the next multiple of 4 (2^64 is one, so the wrapped negation works).
        let padding = header.wrapping_add(len).wrapping_neg() % 4;
        self.take(padding)?;
        Ok(data)
    }

    /// Reads TL `bytes`.
    #[inline]
    pub fn read_bytes(&mut self) -> Result<Vec<u8>, DeserializeError> {
        self.read_bytes_ref().map(<[u8]>::to_vec)
    }

    /// Reads TL `string`. Invalid UTF-8 is replaced with U+FFFD, as Telethon does
    /// (`errors='replace'`): Telegram sometimes sends truncated multi-byte sequences
    /// and failing the whole response over one name would be worse.
    #[inline]
    pub fn read_string(&mut self) -> Result<String, DeserializeError> {
        let bytes = self.read_bytes_ref()?;
        Ok(match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        })
    }

    /// Reads one value of any [`Deserializable`] type.
    #[inline]
    pub fn read<T: Deserializable>(&mut self) -> Result<T, DeserializeError> {
        T::deserialize(self)
    }

    /// Reads one value if `present` (a conditional field whose flag bit is set).
    #[inline]
    pub fn read_if<T: Deserializable>(
        &mut self,
        present: bool,
    ) -> Result<Option<T>, DeserializeError> {
        if present {
            T::deserialize(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads the id of a boxed vector, failing if it is something else.
    #[inline]
    pub fn read_vector_id(&mut self) -> Result<(), DeserializeError> {
        let start = self.pos;
        match self.read_u32()? {
            VECTOR_ID => Ok(()),
            other => Err(self.error_at(DeserializeErrorKind::NotAVector(other), start)),
        }
    }

    /// Reads a vector count, refusing one whose elements (each at least
    /// `min_item_size` bytes) could not fit in the remaining input. This bounds the
    /// allocation a hostile count can cause by the input's own size.
    #[inline]
    pub fn read_count(&mut self, min_item_size: usize) -> Result<usize, DeserializeError> {
        let start = self.pos;
        let count = self.read_i32()?;
        let fits = usize::try_from(count).ok().filter(|&n| {
            n.saturating_mul(min_item_size.max(1)) <= self.buf.len().saturating_sub(self.pos)
        });
        match fits {
            Some(n) => Ok(n),
            None => Err(self.error_at(
                DeserializeErrorKind::VectorTooLong {
                    count: i64::from(count),
                },
                start,
            )),
        }
    }

    /// Enters one level of boxed nesting.
    #[inline]
    pub fn enter(&mut self) -> Result<(), DeserializeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(DeserializeErrorKind::TooDeep));
        }
        // Below MAX_DEPTH, checked above.
        self.depth = self.depth.saturating_add(1);
        Ok(())
    }

    /// Leaves one level of boxed nesting.
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Fails unless every byte was consumed.
    pub fn finish(&self) -> Result<(), DeserializeError> {
        match self.buf.len().saturating_sub(self.pos) {
            0 => Ok(()),
            count => Err(self.error(DeserializeErrorKind::TrailingBytes { count })),
        }
    }
}

/// A value that can be read from TL's binary form.
pub trait Deserializable: Sized {
    /// The fewest bytes one encoded value takes. Vector decoding refuses a count
    /// whose elements could not fit in the input left, so a hostile count cannot
    /// allocate more than the input's size allows. Every boxed value starts with a
    /// four-byte constructor id, hence the default.
    const MIN_SIZE: usize = 4;

    /// Reads one value, advancing `r`.
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError>;

    /// Reads one value that must span all of `bytes`.
    fn from_bytes(bytes: &[u8]) -> Result<Self, DeserializeError> {
        let mut r = Reader::new(bytes);
        let value = Self::deserialize(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

/// A constructor read without its id (inside bare vectors and `%T` fields).
pub trait BareDeserializable: Sized {
    /// The fewest bytes the fields take (without the constructor id).
    const MIN_BARE_SIZE: usize = 0;

    /// Reads the fields, the constructor id having been read or implied already.
    fn deserialize_bare(r: &mut Reader<'_>) -> Result<Self, DeserializeError>;
}

impl Deserializable for i32 {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_i32()
    }
}

impl Deserializable for u32 {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_u32()
    }
}

impl Deserializable for i64 {
    const MIN_SIZE: usize = 8;
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_i64()
    }
}

impl Deserializable for f64 {
    const MIN_SIZE: usize = 8;
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_f64()
    }
}

impl Deserializable for bool {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_bool()
    }
}

impl Deserializable for compact_str::CompactString {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        let bytes = r.read_bytes_ref()?;
        Ok(match std::str::from_utf8(bytes) {
            Ok(s) => compact_str::CompactString::new(s),
            Err(_) => compact_str::CompactString::from_utf8_lossy(bytes),
        })
    }
}

impl Deserializable for String {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_string()
    }
}

impl<const N: usize> Deserializable for [u8; N] {
    const MIN_SIZE: usize = N;
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.array()
    }
}

/// TL `bytes`: a length prefix, the data and padding (not a vector of bytes: TL
/// has no byte type).
impl Deserializable for Vec<u8> {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_bytes()
    }
}

/// A boxed `Vector t`: the vector id, then a bare vector.
impl<T: Deserializable> Deserializable for Vec<T> {
    const MIN_SIZE: usize = 8;

    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        r.read_vector_id()?;
        read_items(r)
    }
}

/// A bare `vector t` of boxed (or primitive) elements: the count, then each
/// element. The count is bounded by `T::MIN_SIZE` and the input left.
pub fn read_items<T: Deserializable>(r: &mut Reader<'_>) -> Result<Vec<T>, DeserializeError> {
    let n = r.read_count(T::MIN_SIZE)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(T::deserialize(r)?);
    }
    Ok(v)
}

/// Decodes a constructor's fields and wraps them in `wrap` (an enum variant
/// holding a `Box<T>`). A function of its own, so that a decode's stack frame stays
/// small even in unoptimised builds: a `match` over hundreds of constructors that
/// held each one's value would need megabytes there, per nesting level.
#[inline]
pub fn decode_boxed<T: BareDeserializable, E>(
    r: &mut Reader<'_>,
    wrap: fn(Box<T>) -> E,
) -> Result<E, DeserializeError> {
    T::deserialize_bare(r).map(|x| wrap(Box::new(x)))
}

/// A vector of bare constructors (`vector<%T>`, `Vector<%T>` after its id): the
/// count, then each element's fields without an id.
pub fn read_bare_items<T: BareDeserializable + crate::Identifiable>(
    r: &mut Reader<'_>,
) -> Result<Vec<T>, DeserializeError> {
    let n = r.read_count(T::MIN_BARE_SIZE)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(T::deserialize_bare(r).map_err(|e| e.in_constructor(T::CONSTRUCTOR_ID))?);
    }
    Ok(v)
}

/// Every constructor and function struct: its id (which must match), then its fields.
impl<T: crate::Identifiable + BareDeserializable> Deserializable for T {
    const MIN_SIZE: usize = 4 + T::MIN_BARE_SIZE;

    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        let start = r.position();
        let id = r.read_u32()?;
        if id != T::CONSTRUCTOR_ID {
            return Err(r.error_at(
                DeserializeErrorKind::UnknownConstructor {
                    id,
                    expected: T::NAME,
                },
                start,
            ));
        }
        r.enter()?;
        let value = T::deserialize_bare(r).map_err(|e| e.in_constructor(T::CONSTRUCTOR_ID))?;
        r.leave();
        Ok(value)
    }
}
