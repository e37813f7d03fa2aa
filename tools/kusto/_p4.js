require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.js');
const K=Kusto.Language, S=K.Symbols;
const ps="(starttime:datetime=datetime(null), n:long=1)";
const f1=new S.FunctionSymbol.$ctor16('F1', ps, '{ datatable(A:string)[] }', null);
const f2=new S.FunctionSymbol.$ctor6('F2', S.TableSymbol.From('(A:string)'), S.Parameter.ParseList(ps), null);
const g=K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('db',[f1,f2],false));
for (const f of ['F1','F2']) for (const a of ['starttime="x"', 'n="s"', '1,2,3', 'n=2', 'starttime=ago(1d)']) {
 const q=f+'('+a+') | project A'; const c=K.KustoCode.ParseAndAnalyze(q,g); const e=Bridge.getEnumerator(c.GetDiagnostics()); const o=[]; while(e.moveNext()) o.push(e.Current.Code+' '+e.Current.Message); console.log(q,o);
}
const e=Bridge.getEnumerator(S.Parameter.ParseList(ps)); while(e.moveNext()){const p=e.Current; console.log(p.Name, p.TypeKind, p.IsOptional, p.MinOccurring, p.DefaultValue && p.DefaultValue.toString());}
