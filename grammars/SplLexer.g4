// SPL (Splunk Search Processing Language, classic) lexer.
//
// SPL is tokenised differently depending on the command a token belongs to, so the lexer has modes:
//   DEFAULT_MODE  the search clause (the implicit search at the start, `search`, subsearches): bare
//                 words may hold almost any character (`C:\Windows\*`, `-24h@h`, `10.0.0.0/8`), and the
//                 Boolean operators are upper-case only (Splunk: "The operators must be capitalized").
//   COMMAND       right after `|`: the command name, which picks the mode for its arguments.
//   EXPR          eval/where expressions (and `eval(...)` inside stats/transaction arguments): identifiers,
//                 numbers, operators; `and`/`or`/`not`/`like`/`in` in any case.
//   ARGS          arguments of every other command: bare words as in the search clause, plus the
//                 keywords `by`, `as`, `over`, `where`, `from`, `output`, `outputnew` in any case.
// `[` opens a subsearch in any mode (push DEFAULT_MODE) and `]` returns to the mode that opened it. A subsearch
// may also start with `eval` or `where` without a pipe (the template of `foreach`): `[eval x=1]`. `[search` is one
// token so that the parser need not decide whether `search` is the command or a search term: deciding that at every
// level of unclosed nested subsearches made error recovery quadratic.
// In EXPR `(` pushes and `)` pops, so that `eval(...)` returns to ARGS at its closing parenthesis.
// The lexer never fails: every mode ends with a one-character ERROR_CHAR rule.
lexer grammar SplLexer;

channels { COMMENTS }

tokens { LBRACK_SEARCH, LBRACK_EVAL, LBRACK_WHERE, WHERE, EVAL, FROM, IN, AND, OR, NOT, EQ, NEQ, LT, LE, GT, GE, EQEQ, COMMA, LPAREN, RPAREN, STRING, WORD, MACRO, ERROR_CHAR, UNTERMINATED_STRING, UNTERMINATED_COMMENT, PIPE, LBRACK, RBRACK, SEARCH, TERM_LP, CASE_LP, EVAL_LP, BY, AS }

// ---------------------------------------------------------------- DEFAULT_MODE: search clause
S_WS : [ \t\r\n\u000C\u00A0]+ -> skip ;
S_COMMENT : COMMENT_F -> channel(COMMENTS) ;
S_UNTERMINATED_COMMENT : UNTERMINATED_COMMENT_F -> type(UNTERMINATED_COMMENT) ;
S_PIPE : '|' -> type(PIPE), mode(COMMAND) ;
S_LBRACK_SEARCH options { caseInsensitive = true; } : '[' WS_F* 'search' WS_F -> type(LBRACK_SEARCH), pushMode(DEFAULT_MODE) ;
S_LBRACK_EVAL options { caseInsensitive = true; } : '[' WS_F* 'eval' WS_F -> type(LBRACK_EVAL), pushMode(EXPR) ;
S_LBRACK_WHERE options { caseInsensitive = true; } : '[' WS_F* 'where' WS_F -> type(LBRACK_WHERE), pushMode(EXPR) ;
S_LBRACK : '[' -> type(LBRACK), pushMode(DEFAULT_MODE) ;
S_RBRACK : ']' -> type(RBRACK), popMode ;
S_LPAREN : '(' -> type(LPAREN) ;
S_RPAREN : ')' -> type(RPAREN) ;
S_COMMA : ',' -> type(COMMA) ;
S_NEQ : '!=' -> type(NEQ) ;
S_LE : '<=' -> type(LE) ;
S_GE : '>=' -> type(GE) ;
S_LT : '<' -> type(LT) ;
S_GT : '>' -> type(GT) ;
S_EQEQ : '==' -> type(EQEQ) ;
S_EQ : '=' -> type(EQ) ;
S_STRING : STRING_F -> type(STRING) ;
S_UNTERMINATED_STRING : UNTERMINATED_STRING_F -> type(UNTERMINATED_STRING) ;
S_OR : 'OR' -> type(OR) ;
S_AND : 'AND' -> type(AND) ;
S_NOT : 'NOT' -> type(NOT) ;
S_IN : 'IN' -> type(IN) ;
S_TERM_LP : 'TERM(' -> type(TERM_LP) ;
S_CASE_LP : 'CASE(' -> type(CASE_LP) ;
S_SEARCH options { caseInsensitive = true; } : 'search' -> type(SEARCH) ;
S_MACRO : MACRO_F -> type(MACRO) ;
// A word may hold foreach placeholders (<<FIELD>>), which Splunk replaces as text before reading the template.
S_WORD : ( WORD_F | TEMPLATE_F )+ -> type(WORD) ;
S_ERROR : . -> type(ERROR_CHAR) ;

// ---------------------------------------------------------------- COMMAND: the command name after `|`
mode COMMAND;
C_WS : [ \t\r\n\u000C\u00A0]+ -> skip ;
C_COMMENT : COMMENT_F -> channel(COMMENTS) ;
C_UNTERMINATED_COMMENT : UNTERMINATED_COMMENT_F -> type(UNTERMINATED_COMMENT) ;
C_PIPE : '|' -> type(PIPE) ;
C_LBRACK_SEARCH options { caseInsensitive = true; } : '[' WS_F* 'search' WS_F -> type(LBRACK_SEARCH), pushMode(DEFAULT_MODE) ;
C_LBRACK_EVAL options { caseInsensitive = true; } : '[' WS_F* 'eval' WS_F -> type(LBRACK_EVAL), pushMode(EXPR) ;
C_LBRACK_WHERE options { caseInsensitive = true; } : '[' WS_F* 'where' WS_F -> type(LBRACK_WHERE), pushMode(EXPR) ;
C_LBRACK : '[' -> type(LBRACK), pushMode(DEFAULT_MODE) ;
C_RBRACK : ']' -> type(RBRACK), popMode ;
C_SEARCH options { caseInsensitive = true; } : 'search' -> type(SEARCH), mode(DEFAULT_MODE) ;
C_WHERE options { caseInsensitive = true; } : 'where' -> type(WHERE), mode(EXPR) ;
C_EVAL options { caseInsensitive = true; } : 'eval' -> type(EVAL), mode(EXPR) ;
STATS options { caseInsensitive = true; } : 'stats' -> mode(ARGS) ;
EVENTSTATS options { caseInsensitive = true; } : 'eventstats' -> mode(ARGS) ;
STREAMSTATS options { caseInsensitive = true; } : 'streamstats' -> mode(ARGS) ;
TSTATS options { caseInsensitive = true; } : 'tstats' -> mode(ARGS) ;
CHART options { caseInsensitive = true; } : 'chart' -> mode(ARGS) ;
TIMECHART options { caseInsensitive = true; } : 'timechart' -> mode(ARGS) ;
C_FROM options { caseInsensitive = true; } : 'from' -> type(FROM), mode(ARGS) ;
REX options { caseInsensitive = true; } : 'rex' -> mode(ARGS) ;
REGEX options { caseInsensitive = true; } : 'regex' -> mode(ARGS) ;
RENAME options { caseInsensitive = true; } : 'rename' -> mode(ARGS) ;
TABLE options { caseInsensitive = true; } : 'table' -> mode(ARGS) ;
FIELDS options { caseInsensitive = true; } : 'fields' -> mode(ARGS) ;
DEDUP options { caseInsensitive = true; } : 'dedup' -> mode(ARGS) ;
SORT options { caseInsensitive = true; } : 'sort' -> mode(ARGS) ;
HEAD options { caseInsensitive = true; } : 'head' -> mode(ARGS) ;
TAIL options { caseInsensitive = true; } : 'tail' -> mode(ARGS) ;
BIN options { caseInsensitive = true; } : 'bin' -> mode(ARGS) ;
BUCKET options { caseInsensitive = true; } : 'bucket' -> mode(ARGS) ;
FILLNULL options { caseInsensitive = true; } : 'fillnull' -> mode(ARGS) ;
LOOKUP options { caseInsensitive = true; } : 'lookup' -> mode(ARGS) ;
INPUTLOOKUP options { caseInsensitive = true; } : 'inputlookup' -> mode(ARGS) ;
JOIN options { caseInsensitive = true; } : 'join' -> mode(ARGS) ;
APPEND options { caseInsensitive = true; } : 'append' -> mode(ARGS) ;
APPENDPIPE options { caseInsensitive = true; } : 'appendpipe' -> mode(ARGS) ;
MAP options { caseInsensitive = true; } : 'map' -> mode(ARGS) ;
MVEXPAND options { caseInsensitive = true; } : 'mvexpand' -> mode(ARGS) ;
MAKEMV options { caseInsensitive = true; } : 'makemv' -> mode(ARGS) ;
SPATH options { caseInsensitive = true; } : 'spath' -> mode(ARGS) ;
XMLKV options { caseInsensitive = true; } : 'xmlkv' -> mode(ARGS) ;
IPLOCATION options { caseInsensitive = true; } : 'iplocation' -> mode(ARGS) ;
TRANSACTION options { caseInsensitive = true; } : 'transaction' -> mode(ARGS) ;
CONVERT options { caseInsensitive = true; } : 'convert' -> mode(ARGS) ;
TOP options { caseInsensitive = true; } : 'top' -> mode(ARGS) ;
RARE options { caseInsensitive = true; } : 'rare' -> mode(ARGS) ;
RETURN options { caseInsensitive = true; } : 'return' -> mode(ARGS) ;
FORMAT options { caseInsensitive = true; } : 'format' -> mode(ARGS) ;
ADDINFO options { caseInsensitive = true; } : 'addinfo' -> mode(ARGS) ;
CMD_NAME : [a-zA-Z_] [a-zA-Z0-9_]* -> mode(ARGS) ;
C_MACRO : MACRO_F -> type(MACRO), mode(ARGS) ;
C_ERROR : . -> type(ERROR_CHAR), mode(ARGS) ;

// ---------------------------------------------------------------- EXPR: eval / where expressions
mode EXPR;
E_WS : [ \t\r\n\u000C\u00A0]+ -> skip ;
E_COMMENT : COMMENT_F -> channel(COMMENTS) ;
E_UNTERMINATED_COMMENT : UNTERMINATED_COMMENT_F -> type(UNTERMINATED_COMMENT) ;
E_PIPE : '|' -> type(PIPE), mode(COMMAND) ;
E_LBRACK_SEARCH options { caseInsensitive = true; } : '[' WS_F* 'search' WS_F -> type(LBRACK_SEARCH), pushMode(DEFAULT_MODE) ;
E_LBRACK_EVAL options { caseInsensitive = true; } : '[' WS_F* 'eval' WS_F -> type(LBRACK_EVAL), pushMode(EXPR) ;
E_LBRACK_WHERE options { caseInsensitive = true; } : '[' WS_F* 'where' WS_F -> type(LBRACK_WHERE), pushMode(EXPR) ;
E_LBRACK : '[' -> type(LBRACK), pushMode(DEFAULT_MODE) ;
E_RBRACK : ']' -> type(RBRACK), popMode ;
E_LPAREN : '(' -> type(LPAREN), pushMode(EXPR) ;
E_RPAREN : ')' -> type(RPAREN), popMode ;
E_COMMA : ',' -> type(COMMA) ;
E_NEQ : '!=' -> type(NEQ) ;
E_LE : '<=' -> type(LE) ;
E_GE : '>=' -> type(GE) ;
E_LT : '<' -> type(LT) ;
E_GT : '>' -> type(GT) ;
E_EQEQ : '==' -> type(EQEQ) ;
E_EQ : '=' -> type(EQ) ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;
DOT : '.' ;
E_STRING : STRING_F -> type(STRING) ;
E_UNTERMINATED_STRING : UNTERMINATED_STRING_F -> type(UNTERMINATED_STRING) ;
QUOTED_FIELD : '\'' ( '\\' . | ~['\\] )* '\'' ;
E_AND options { caseInsensitive = true; } : 'and' -> type(AND) ;
E_OR options { caseInsensitive = true; } : 'or' -> type(OR) ;
E_NOT options { caseInsensitive = true; } : 'not' -> type(NOT) ;
XOR options { caseInsensitive = true; } : 'xor' ;
LIKE options { caseInsensitive = true; } : 'like' ;
E_IN options { caseInsensitive = true; } : 'in' -> type(IN) ;
NUMBER : DIGIT+ ( '.' DIGIT+ )? ( [eE] [+-]? DIGIT+ )? | '.' DIGIT+ ( [eE] [+-]? DIGIT+ )? ;
// Field names may hold dots and `{}` (`Processes.process`, `destination{}.address`); a dot that is not
// followed by a name character is the concatenation operator.
IDENT : ( IDENT_START | TEMPLATE_F ) ( IDENT_CHAR | TEMPLATE_F )* ( '.' ( IDENT_CHAR | TEMPLATE_F )+ )* ;
E_MACRO : MACRO_F -> type(MACRO) ;
E_ERROR : . -> type(ERROR_CHAR) ;

// ---------------------------------------------------------------- ARGS: arguments of other commands
mode ARGS;
A_WS : [ \t\r\n\u000C\u00A0]+ -> skip ;
A_COMMENT : COMMENT_F -> channel(COMMENTS) ;
A_UNTERMINATED_COMMENT : UNTERMINATED_COMMENT_F -> type(UNTERMINATED_COMMENT) ;
A_PIPE : '|' -> type(PIPE), mode(COMMAND) ;
A_LBRACK_SEARCH options { caseInsensitive = true; } : '[' WS_F* 'search' WS_F -> type(LBRACK_SEARCH), pushMode(DEFAULT_MODE) ;
A_LBRACK_EVAL options { caseInsensitive = true; } : '[' WS_F* 'eval' WS_F -> type(LBRACK_EVAL), pushMode(EXPR) ;
A_LBRACK_WHERE options { caseInsensitive = true; } : '[' WS_F* 'where' WS_F -> type(LBRACK_WHERE), pushMode(EXPR) ;
A_LBRACK : '[' -> type(LBRACK), pushMode(DEFAULT_MODE) ;
A_RBRACK : ']' -> type(RBRACK), popMode ;
A_LPAREN : '(' -> type(LPAREN) ;
A_RPAREN : ')' -> type(RPAREN) ;
A_COMMA : ',' -> type(COMMA) ;
A_NEQ : '!=' -> type(NEQ) ;
A_LE : '<=' -> type(LE) ;
A_GE : '>=' -> type(GE) ;
A_LT : '<' -> type(LT) ;
A_GT : '>' -> type(GT) ;
A_EQEQ : '==' -> type(EQEQ) ;
A_EQ : '=' -> type(EQ) ;
A_STRING : STRING_F -> type(STRING) ;
A_UNTERMINATED_STRING : UNTERMINATED_STRING_F -> type(UNTERMINATED_STRING) ;
A_OR : 'OR' -> type(OR) ;
A_AND : 'AND' -> type(AND) ;
A_NOT : 'NOT' -> type(NOT) ;
A_IN : 'IN' -> type(IN) ;
A_TERM_LP : 'TERM(' -> type(TERM_LP) ;
A_CASE_LP : 'CASE(' -> type(CASE_LP) ;
A_EVAL_LP options { caseInsensitive = true; } : 'eval(' -> type(EVAL_LP), pushMode(EXPR) ;
A_BY options { caseInsensitive = true; } : 'by' -> type(BY) ;
A_AS options { caseInsensitive = true; } : 'as' -> type(AS) ;
OVER options { caseInsensitive = true; } : 'over' ;
A_WHERE options { caseInsensitive = true; } : 'where' -> type(WHERE) ;
A_FROM options { caseInsensitive = true; } : 'from' -> type(FROM) ;
OUTPUT options { caseInsensitive = true; } : 'output' ;
OUTPUTNEW options { caseInsensitive = true; } : 'outputnew' ;
A_MACRO : MACRO_F -> type(MACRO) ;
A_WORD : ( WORD_F | TEMPLATE_F )+ -> type(WORD) ;
A_ERROR : . -> type(ERROR_CHAR) ;

// ---------------------------------------------------------------- shared fragments
fragment WS_F : [ \t\r\n\u000C\u00A0] ;
fragment COMMENT_F : '```' .*? '```' ;
// A ``` with no closing ``` before the end: the body cannot hold three backticks in a row.
fragment UNTERMINATED_COMMENT_F : '```' ( '`'? '`'? ~'`' )* ( '`' '`'? )? EOF ;
fragment STRING_F : '"' ( '\\' . | ~["\\] )* '"' ;
fragment UNTERMINATED_STRING_F : '"' ( '\\' . | ~["\\] )* '\\'? EOF ;
fragment MACRO_F : '`' ~[`]* '`' ;
fragment DIGIT : [0-9] ;
// foreach template placeholders such as <<FIELD>> and <<MATCHSTR>> stand where a field name goes.
fragment TEMPLATE_F : '<<' [A-Za-z0-9_]+ '>>' ;
fragment IDENT_START : [a-zA-Z_@$] | '{' | '}' | [\u0080-\uFFFE] ;
fragment IDENT_CHAR : [a-zA-Z0-9_@$:] | '{' | '}' | [\u0080-\uFFFE] ;
// A bare word: anything but white space and the characters SPL gives a meaning to. `!` is allowed
// inside a word unless it starts `!=`.
fragment WORD_CHAR : ~[ \t\r\n\u000C\u00A0|()[\]"=<>,`!] ;
// A backslash escapes the next character, so `\"` is part of a word (`*\"privileged\":true*`).
fragment WORD_F : ( WORD_CHAR | '!' WORD_CHAR | '\\' ~[ \t\r\n] )+ ;
