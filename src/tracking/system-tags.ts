/** The system tags MLflow's Python client sets on every run (mlflow/tracking/context). */
import { userInfo } from 'node:os';

/** getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the account name. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `mlflow.user`, `mlflow.source.name` (the entry script, as Python's sys.argv[0]), `mlflow.source.type`. */
export function defaultSystemTags(user: string = currentUser()): Record<string, string> {
  return {
    'mlflow.user': user,
    'mlflow.source.name': process.argv[1] ?? 'releq',
    'mlflow.source.type': 'LOCAL',
  };
}
