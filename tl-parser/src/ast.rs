//! The parsed form of a TL schema.

use std::fmt;

/// Where something starts in the schema text, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column (in characters), starting at 1.
    pub col: u32,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Whether a definition is a constructor (below `---types---`) or a function
/// (below `---functions---`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// A constructor of a boxed type.
    Type,
    /// A remote procedure (an RPC method).
    Function,
}

/// A whole schema file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// The layer, from a `// LAYER N` comment, if any.
    pub layer: Option<i32>,
    /// Every constructor and function, in file order.
    pub definitions: Vec<Definition>,
    /// The core-type lines (`int ? = Int;`, `vector {t:Type} # [ t ] = Vector t;`, ...).
    pub core_types: Vec<CoreType>,
}

/// A built-in type declared with TL's special syntax rather than as a constructor.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreType {
    /// The bare name (`int`, `vector`, `int128`).
    pub name: String,
    /// The explicit id, if the line has one (`vector#1cb5c415`).
    pub explicit_id: Option<u32>,
    /// The boxed type it declares (`Int`, `Vector t`).
    pub ty: String,
    /// The right-hand side between the name and `=`, verbatim (`?`, `{t:Type} # [ t ]`, `4*[ int ]`).
    pub body: String,
    /// Where the line starts.
    pub span: Span,
}

/// One constructor or function.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// Namespace parts (`["channels"]` for `channels.getParticipants`).
    pub namespace: Vec<String>,
    /// The name without namespace (`getParticipants`).
    pub name: String,
    /// The id written in the schema, if any.
    pub explicit_id: Option<u32>,
    /// The id: the explicit one, or else the CRC32 inferred from the definition.
    pub id: u32,
    /// Generic type parameters (`{X:Type}` gives `X`).
    pub generics: Vec<String>,
    /// The parameters, `flags:#` fields included, in order.
    pub params: Vec<Parameter>,
    /// The type it constructs or, for a function, returns.
    pub ty: Type,
    /// Constructor or function.
    pub category: Category,
    /// The comment lines directly above the definition, without the slashes.
    pub doc: Vec<String>,
    /// The definition's text as written, whitespace collapsed, without `;`.
    pub source: String,
    /// Where it starts.
    pub span: Span,
}

impl Definition {
    /// The full name with namespace, as TL writes it (`channels.getParticipants`).
    pub fn full_name(&self) -> String {
        let mut s = String::new();
        for ns in &self.namespace {
            s.push_str(ns);
            s.push('.');
        }
        s.push_str(&self.name);
        s
    }

    /// The normalised form whose CRC32 is the definition's id, per the TL spec:
    /// no id, `bytes` written as `string`, no `flags.N?true` parameters, and no
    /// brackets or braces.
    pub fn normalized(&self) -> String {
        let mut s = self.full_name();
        for g in &self.generics {
            s.push_str(" {");
            s.push_str(g);
            s.push_str(":Type}");
        }
        for p in &self.params {
            s.push(' ');
            s.push_str(&p.to_string());
        }
        s.push_str(" = ");
        s.push_str(&self.ty.to_string());
        // Appending a space lets a final `:bytes` parameter match the rule below.
        s.push(' ');
        let s = s
            .replace(":bytes ", ":string ")
            .replace("?bytes ", "?string ");
        let s = s.replace('<', " ").replace(['>', '{', '}'], "");
        let mut out = String::with_capacity(s.len());
        for word in s.split(' ').filter(|w| !w.is_empty()) {
            if is_flag_true(word) {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    /// The CRC32 of [`Definition::normalized`]: the id TL assigns when none is written.
    pub fn inferred_id(&self) -> u32 {
        crc32fast::hash(self.normalized().as_bytes())
    }

    /// Every `flags`-like parameter name (`flags`, `flags2`).
    pub fn flag_fields(&self) -> impl Iterator<Item = &str> {
        self.params.iter().filter_map(|p| match p.kind {
            ParameterKind::Flags => Some(p.name.as_str()),
            _ => None,
        })
    }
}

/// `name:flags.N?true` after the other rewrites.
fn is_flag_true(word: &str) -> bool {
    let Some((_, ty)) = word.split_once(':') else {
        return false;
    };
    let Some((flag, t)) = ty.split_once('?') else {
        return false;
    };
    t == "true" && flag.contains('.')
}

/// A parameter of a definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its name (`user_id`).
    pub name: String,
    /// What it is.
    pub kind: ParameterKind,
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ParameterKind::Flags => write!(f, "{}:#", self.name),
            ParameterKind::Normal { ty, flag: None } => write!(f, "{}:{}", self.name, ty),
            ParameterKind::Normal {
                ty,
                flag: Some(flag),
            } => {
                write!(f, "{}:{}.{}?{}", self.name, flag.name, flag.index, ty)
            }
        }
    }
}

/// The kind of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum ParameterKind {
    /// A bit-field holding presence flags (`flags:#`).
    Flags,
    /// A value, possibly conditional on a flag bit.
    Normal {
        /// Its type.
        ty: Type,
        /// The flag bit that says whether it is present (`flags.3?`).
        flag: Option<Flag>,
    },
}

/// A reference to one bit of a `flags:#` field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flag {
    /// The flags field (`flags`, `flags2`).
    pub name: String,
    /// The bit, 0..=31.
    pub index: u32,
}

/// A type as written in a parameter or result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Type {
    /// Namespace parts.
    pub namespace: Vec<String>,
    /// The name (`InputPeer`, `long`, `Vector`, `X`).
    pub name: String,
    /// Bare (lowercase first letter, or `%` prefix) rather than boxed.
    pub bare: bool,
    /// Written as `%T`: the bare form of a boxed type.
    pub percent: bool,
    /// Refers to a generic parameter (`X` or `!X`).
    pub generic_ref: bool,
    /// Written with `!`: a serialized value of any type that fits the generic.
    pub bang: bool,
    /// The argument of a generic type (`Vector<long>` gives `long`).
    pub generic_arg: Option<Box<Type>>,
}

impl Type {
    /// The name with namespace.
    pub fn full_name(&self) -> String {
        let mut s = String::new();
        for ns in &self.namespace {
            s.push_str(ns);
            s.push('.');
        }
        s.push_str(&self.name);
        s
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bang {
            f.write_str("!")?;
        }
        if self.percent {
            f.write_str("%")?;
        }
        f.write_str(&self.full_name())?;
        if let Some(arg) = &self.generic_arg {
            write!(f, "<{arg}>")?;
        }
        Ok(())
    }
}
