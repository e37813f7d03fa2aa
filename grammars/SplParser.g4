// SPL (classic) parser. See SplLexer.g4 for the lexical modes.
//
// Boolean precedence is part of the tree:
//   search clause (searchExpr): NOT, then OR, then AND (implicit or explicit): `a b OR c` = a AND (b OR c).
//   eval/where (expr):          NOT, then AND, then OR, then XOR, as Splunk's "Order of evaluation" table
//                                (Search Manual, "Boolean expressions with logical operators") states.
// Command arguments are recognised here with their shape; the tree builder checks what the grammar
// leaves open (which options a command takes, where BY may appear) and reports it as diagnostics.
parser grammar SplParser;

options { tokenVocab = SplLexer; }

query : pipeline EOF ;

pipeline : headSearch? ( PIPE command )* ;

// The search at the start of a pipeline or subsearch, with or without the word `search`.
headSearch : SEARCH searchExpr? | searchExpr ;

subsearch
    : LBRACK pipeline RBRACK
    | LBRACK_SEARCH searchExpr? ( PIPE command )* RBRACK
    | LBRACK_EVAL evalAssignment ( COMMA evalAssignment )* ( PIPE command )* RBRACK
    | LBRACK_WHERE expr ( PIPE command )* RBRACK
    ;

command
    : SEARCH searchExpr?                                                     # searchCommand
    | WHERE expr                                                             # whereCommand
    | EVAL evalAssignment ( COMMA evalAssignment )*                          # evalCommand
    | verb=( STATS | EVENTSTATS | STREAMSTATS | CHART | TIMECHART ) statsBody # statsCommand
    | TSTATS tstatsBody                                                      # tstatsCommand
    | REX option* ( STRING option* )?                                        # rexCommand
    | REGEX ( fieldName op=( EQ | NEQ ) )? STRING                            # regexCommand
    | RENAME renamePair ( COMMA? renamePair )* COMMA?                        # renameCommand
    | TABLE fieldList?                                                       # tableCommand
    | FIELDS fieldList?                                                      # fieldsCommand
    | DEDUP argItem*                                                         # dedupCommand
    | SORT sortItem*                                                         # sortCommand
    | verb=( HEAD | TAIL ) argItem*                                          # headTailCommand
    | verb=( BIN | BUCKET ) option* fieldName ( AS fieldName )? option*      # binCommand
    | FILLNULL option* fieldList? option*                                    # fillnullCommand
    | LOOKUP option* tableName=word lookupField ( COMMA? lookupField )*
          ( outputKind=( OUTPUT | OUTPUTNEW ) lookupField ( COMMA? lookupField )* )? # lookupCommand
    | INPUTLOOKUP option* tableName=word option* ( WHERE searchExpr )?       # inputlookupCommand
    | JOIN option* fieldList? option* subsearch                              # joinCommand
    | verb=( APPEND | APPENDPIPE ) option* subsearch                         # appendCommand
    | MAP option* subsearch?                                                 # mapCommand
    | MVEXPAND fieldName option*                                             # mvexpandCommand
    | MAKEMV option* fieldName option*                                       # makemvCommand
    | SPATH argItem*                                                         # spathCommand
    | XMLKV argItem*                                                         # xmlkvCommand
    | IPLOCATION option* fieldName option*                                   # iplocationCommand
    | TRANSACTION argItem*                                                   # transactionCommand
    | CONVERT option* convertItem ( COMMA? convertItem )*                    # convertCommand
    | verb=( TOP | RARE ) option* fieldList ( BY fieldList )? option*        # topCommand
    | RETURN argItem*                                                        # returnCommand
    | FORMAT option* STRING*                                                 # formatCommand
    | ADDINFO option*                                                        # addinfoCommand
    | FROM genericArg*                                                       # fromCommand
    | MACRO                                                                  # macroCommand
    | CMD_NAME genericArg*                                                   # genericCommand
    ;

// ------------------------------------------------------------------ search clause
searchExpr : searchOr ( AND? searchOr )* ;

searchOr : searchUnary ( OR searchUnary )* ;

searchUnary
    : NOT searchUnary                                                        # searchNot
    | searchPrimary                                                          # searchAtom
    ;

searchPrimary
    : LPAREN searchExpr RPAREN                                               # searchGroup
    | searchWord IN LPAREN COMMA* ( searchValue ( COMMA* searchValue )* )? COMMA* RPAREN # searchIn
    | searchWord op=( EQ | EQEQ | NEQ | LT | LE | GT | GE ) searchValue        # searchCompare
    | fn=( TERM_LP | CASE_LP ) searchValue RPAREN                            # searchTermFunction
    | subsearch                                                              # searchSubsearch
    | MACRO                                                                  # searchMacro
    | searchValue                                                            # searchTerm
    ;

searchWord : WORD | SEARCH | STRING ;

searchValue : WORD | STRING | SEARCH ;

// ------------------------------------------------------------------ eval / where expressions
evalAssignment : target=evalTarget EQ expr ;

evalTarget : IDENT | QUOTED_FIELD | STRING ;

expr
    : LPAREN expr RPAREN                                                     # parenExpr
    | name=funcName LPAREN ( expr ( COMMA expr )* )? RPAREN                  # callExpr
    | op=( MINUS | PLUS ) expr                                               # unaryExpr
    | expr op=( STAR | SLASH | PERCENT ) expr                                # multiplicativeExpr
    | expr op=( PLUS | MINUS | DOT ) expr                                    # additiveExpr
    | expr op=( LT | LE | GT | GE ) expr                                     # relationalExpr
    | expr op=( EQ | EQEQ | NEQ ) expr                                       # equalityExpr
    | expr NOT? LIKE expr                                                    # likeExpr
    | expr NOT? IN LPAREN ( expr ( COMMA expr )* )? RPAREN                   # inExpr
    | NOT expr                                                               # notExpr
    | expr AND expr                                                          # andExpr
    | expr OR expr                                                           # orExpr
    | expr XOR expr                                                          # xorExpr
    | IDENT                                                                  # fieldExpr
    | QUOTED_FIELD                                                           # quotedFieldExpr
    | STRING                                                                 # stringExpr
    | NUMBER                                                                 # numberExpr
    | MACRO                                                                  # macroExpr
    ;

funcName : IDENT | LIKE | IN ;

// ------------------------------------------------------------------ stats family
// stats/eventstats/streamstats/chart/timechart: [options] aggregation [AS name] ... [OVER f] [BY f ...] [options]
statsBody : option* aggregation ( COMMA? aggregation )* ( COMMA? option )* COMMA? overClause? byClause? ( COMMA? option )*
            ( seriesFilter ( COMMA? option )* )? ;

// chart/timechart series selection: WHERE <single-agg> (in|notin) (top|bottom)N, or WHERE <single-agg> (<|>) N.
seriesFilter : WHERE function=word ( LPAREN fieldName? RPAREN )? ( ( IN | word ) rank=word | ( LT | GT ) threshold=word ) ;

tstatsBody : option* aggregation ( COMMA? aggregation )* ( COMMA? option )*
             ( FROM tstatsSource )? ( COMMA? option )* ( WHERE searchExpr )? byClause? ( COMMA? option )* ;

tstatsSource : option | word word? ;

aggregation : function=word ( LPAREN aggregationArgument? RPAREN )? ( AS alias=aliasName )? ;

// Splunk accepts parentheses in an AS name: `values(aceFlags) as aceFlags(inheritance)`.
aliasName : fieldName ( LPAREN word? RPAREN )? ;

aggregationArgument : EVAL_LP expr RPAREN | fieldName ;

overClause : OVER fieldName ;

byClause : BY byItem ( COMMA? byItem )* ;

byItem : option | fieldName ;

// ------------------------------------------------------------------ shared argument shapes
option : name=optionName EQ value=optionValue ;

// `spath output=x`, `chart over=...`: clause keywords are fine as option names, the `=` decides.
optionName : word | OUTPUT | OUTPUTNEW | OVER ;

optionValue
    : EVAL_LP expr RPAREN
    | LPAREN searchExpr RPAREN
    | STRING
    | word
    ;

argItem : option | EVAL_LP expr RPAREN | word | STRING | COMMA | LPAREN | RPAREN | BY | AS ;

fieldList : fieldName ( COMMA? fieldName )* COMMA? ;

fieldName : word | STRING ;

renamePair : from=fieldName AS to=fieldName ;

lookupField : fieldName ( AS fieldName )? ;

sortItem : option | word LPAREN fieldName RPAREN | word | STRING | COMMA ;

convertItem : function=word LPAREN fieldName RPAREN ( AS fieldName )? ;

// Arguments of commands this grammar does not know: kept as tokens, with balanced brackets.
genericArg
    : subsearch
    | LPAREN genericArg* RPAREN
    | EVAL_LP expr RPAREN
    | ~( PIPE | LBRACK | LBRACK_SEARCH | LBRACK_EVAL | LBRACK_WHERE | RBRACK | LPAREN | RPAREN | EVAL_LP | EOF )
    ;

// Keywords that end a clause (BY, AS, OVER, OUTPUT, OUTPUTNEW, WHERE, FROM) are not words: a field with such a
// name must be quoted. Allowing them made `lookup t a OUTPUTNEW b` ambiguous.
word : WORD | SEARCH | IN ;
