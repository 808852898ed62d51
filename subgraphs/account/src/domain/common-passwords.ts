/**
 * A short list of passwords people choose most often (from public breach-frequency lists), only
 * those long enough to pass the length rule: shorter ones are refused by length already. Compared
 * in lower case with spaces removed.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234567890', '12345678910', '123456789012', '0987654321', '1111111111', '0000000000', '1234512345',
  '1122334455', '1234554321', '9876543210', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'qwertyuiop',
  'qwerty12345', 'qwerty123456', 'qwertyuiop123', 'asdfghjkl1', 'asdfghjkl123', 'zxcvbnm123', 'zaq12wsxcde3',
  '1qaz2wsx3edc', 'qazwsxedc123', 'password12', 'password123', 'password1234', 'password12345', 'password!1',
  'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'passwordpassword', 'mypassword', 'mypassword1', 'mypassword123',
  'letmein123', 'letmein1234', 'welcome123', 'welcome1234', 'iloveyou12', 'iloveyou123', 'iloveyou1234',
  'sunshine123', 'princess123', 'football123', 'baseball123', 'basketball', 'basketball1', 'superman123',
  'batman12345', 'starwars123', 'pokemon123', 'dragon1234', 'monkey12345', 'shadow1234', 'michael123',
  'jennifer123', 'charlie123', 'changeme123', 'changeme1234', 'administrator', 'admin12345', 'admin123456',
  'adminadmin', 'rootroot123', 'trustno1234', 'whatever123', 'computer123', 'internet123', 'abcdefghij',
  'abcdefg123', 'abcd123456', 'abc1234567', 'abcabcabcabc', 'aaaaaaaaaa', 'qqqqqqqqqq', 'samsung123',
  'liverpool123', 'chelsea123', 'arsenal123', 'summer2024', 'summer2025', 'winter2024', 'winter2025',
  'spring2025', 'autumn2025', 'january2025', 'password2024', 'password2025', 'welcome2025', 'company123',
  'secret1234', 'secret12345', 'mysecret123', 'opensesame', 'opensesame1', 'logmein123', 'loginlogin',
  'testtest123', 'test123456', 'test1234567', 'demo123456', 'guest12345', 'useruser123', 'user123456',
]);
