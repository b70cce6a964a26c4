//! Errors with the line and column where they were found.

use crate::ast::Span;
use std::fmt;

/// One problem in the schema text, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{span}: {kind}")]
#[non_exhaustive]
pub struct ParseError {
    /// Where the offending token starts.
    pub span: Span,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a piece of schema text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A definition has no `=` separating its parameters from its type.
    #[error("definition has no `=` before its type")]
    MissingEquals,
    /// Nothing follows `=`.
    #[error("missing type after `=`")]
    MissingResultType,
    /// The file ends, or a section marker comes, in the middle of a definition.
    #[error("definition is not terminated by `;`")]
    MissingSemicolon,
    /// A definition or namespace name is not an identifier.
    #[error("invalid name `{0}`")]
    InvalidName(String),
    /// The text after `#` is not 1 to 8 hexadecimal digits.
    #[error("invalid constructor id `{0}`: expected 1 to 8 hexadecimal digits")]
    InvalidId(String),
    /// A parameter is not `name:type`.
    #[error("invalid parameter `{0}`: expected `name:type`")]
    InvalidParameter(String),
    /// A conditional parameter is not `flags.N?Type` with N in 0..=31.
    #[error("invalid flag condition `{0}`: expected `flags.N?Type` with N in 0..=31")]
    InvalidFlag(String),
    /// A conditional parameter refers to a flags field not declared before it.
    #[error("`{0}` is not a `#` field declared earlier in this definition")]
    UnknownFlagsField(String),
    /// A type is malformed (empty, unbalanced `<>`, bad characters).
    #[error("invalid type `{0}`")]
    InvalidType(String),
    /// `!X` where `X` is not a generic parameter of the definition.
    #[error("`!{0}` names no generic parameter `{{{0}:Type}}` of this definition")]
    UnknownGeneric(String),
    /// A `{...}` group is not `{X:Type}`.
    #[error("invalid generic parameter `{0}`: expected `{{X:Type}}`")]
    InvalidGeneric(String),
    /// Two parameters share a name.
    #[error("duplicate parameter `{0}`")]
    DuplicateParameter(String),
    /// A `---...---` line other than `---functions---` or `---types---`.
    #[error("unknown section `{0}`: expected `---functions---` or `---types---`")]
    UnknownSection(String),
}

/// Every error found in a schema; parsing carries on after each one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrors(pub Vec<ParseError>);

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error(s) in TL schema", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseErrors {}
